/**
 * New classes (transfer learning): the user's class folders opened in the worker for the open model, a cut
 * picked from the model's cut points, and Train: a retarget recipe (then, if asked, the Compress panel's steps)
 * applied with the folders' training images, measured on their held-out images, and kept as a variant named
 * after its classes, on the charts and in the variants table like any other.
 */
import { describeRecipe, parseRecipe } from '../../src/recipe/schema';
import type { Recipe, StudioError } from '../../src/worker/api';
import { formatCount } from '../../src/text/wording';
import { readSourceFiles, type SourceFile } from '../files/source-file';
import { toStudioError } from '../studio-error';
import type { ClassesSettings, OpenClasses } from './classes-slice';
import { studioClient } from './client';
import { runJob } from './jobs';
import { currentRecipe, hashOf } from './selectors';
import { studio, type StudioState } from './store';
import { keepHandle, newClassesBinding } from './variant-handles';
import { deleteVariant, measureEntry } from './variant-actions';
import type { VariantEntry } from './variants-slice';

/** Share of each class's images held out to measure on; the split's seed is the recipe's. */
export const HOLD_OUT = 0.2;
const SEED = 1;

let latestOpen = 0;

/** Asks the worker where the open model can be cut (once per model). */
export async function loadCutChoices(): Promise<void> {
  const model = studio.getState().model;
  if (!model) return;
  try {
    const cuts = await studioClient().cutChoices(model.id);
    if (studio.getState().model?.id === model.id) studio.setState({ cuts, cutsError: null });
  } catch (thrown) {
    if (studio.getState().model?.id === model.id) studio.setState({ cuts: null, cutsError: toStudioError(thrown) });
  }
}

/** 'Ankle_boot, Trouser (60 images)'. */
function labelOf(classes: OpenClasses['classes']): string {
  return `${classes.map((c) => c.name).join(', ')} (${formatCount(classes.reduce((n, c) => n + c.images, 0))} images)`;
}

/** Whether a variant still trains or measures on these folders' data in the worker. */
function inUse(s: StudioState, open: OpenClasses): boolean {
  return s.variants.some((v) => v.newClasses?.trainingId === open.training.id);
}

/**
 * Opens dropped class folders for the open model. Resolves true once they are the open classes; a refusal (one
 * class, loose images, an unreadable image) is kept in `classesError`, and the classes open before stay open.
 */
export async function openClassFolders(files: SourceFile[]): Promise<boolean> {
  const model = studio.getState().model;
  if (!model) return false;
  if (files.length === 0) {
    studio.setState({ classesError: { code: 'empty-input', message: 'Nothing was dropped; drop two or more folders of images, one per class.' } });
    return false;
  }
  const request = ++latestOpen;
  studio.setState({ classesOpening: `${formatCount(files.length)} files`, classesError: null });
  try {
    const ref = await studioClient().openNewClasses(model.id, await readSourceFiles(files), { holdOut: HOLD_OUT, seed: SEED });
    if (request !== latestOpen || studio.getState().model?.id !== model.id) return false;
    const bytes = files.reduce((n, f) => n + f.blob.size, 0);
    const label = labelOf(ref.classes);
    const previous = studio.getState().classes;
    studio.setState({ classes: { ...ref, label, key: `new classes ${label} · ${bytes}` }, classesOpening: null });
    if (previous && !inUse(studio.getState(), previous)) {
      for (const id of [previous.training.id, previous.test.id]) void studioClient().closeData(id).catch(() => {});
    }
    return true;
  } catch (thrown) {
    if (request !== latestOpen) return false;
    const error: StudioError = toStudioError(thrown);
    studio.setState({ classesOpening: null, classesError: error.code === 'cancelled' ? null : error });
    return false;
  }
}

export function setClassesSettings(change: Partial<ClassesSettings>): void {
  studio.setState((s) => ({ classesSettings: { ...s.classesSettings, ...change } }));
}

export function dismissClassesError(): void {
  studio.setState({ classesError: null });
}

/** The retarget recipe the panel's settings ask for; the default cut is left out, as the core picks it. */
export function retargetRecipeOf(s: Pick<StudioState, 'classesSettings' | 'cuts' | 'controls' | 'loadedRecipe'>): Recipe {
  const { cut, epochs, learningRate, unfreeze, compress } = s.classesSettings;
  const named = cut !== null && cut !== s.cuts?.defaultCut ? { cut } : {};
  const after = compress ? currentRecipe(s).steps : [];
  return parseRecipe({ pare: 'recipe', version: 2, steps: [{ step: 'retarget', data: 'training', ...named, epochs, learningRate, seed: SEED, ...(unfreeze > 0 ? { unfreeze: { layers: unfreeze } } : {}) }, ...after] });
}

/** 'New classes: Ankle_boot, Trouser'. */
export function newClassesName(labels: readonly string[]): string {
  return `New classes: ${labels.join(', ')}`;
}

/**
 * Train: builds the retarget variant in the worker with live epochs, then measures it on the held-out images.
 * Resolves true when it is built and measured; a cancel or a refusal keeps everything else as it was.
 */
export async function trainNewClasses(): Promise<boolean> {
  const s = studio.getState();
  if (!s.model || s.job) return false;
  const open = s.classes;
  if (!open) {
    studio.setState({ jobError: { code: 'missing-data', message: 'Drop two or more class folders first: the new head learns their classes.', job: 'retarget' } });
    return false;
  }
  if (s.cutsError) {
    studio.setState({ jobError: { ...s.cutsError, job: 'retarget' } });
    return false;
  }
  const recipe = retargetRecipeOf(s);
  const labels = open.classes.map((c) => c.name);
  const id = `${hashOf(recipe)} @ ${open.key}`;
  const binding = newClassesBinding(recipe, open.training.id);
  let entry = s.variants.find((v) => v.id === id);
  const isNew = entry === undefined;
  if (!entry) {
    const number = s.variantCounter + 1;
    const rest = recipe.steps.length > 1 ? ` · ${describeRecipe({ ...recipe, steps: recipe.steps.slice(1) })}` : '';
    entry = {
      id,
      name: `${newClassesName(labels)}${rest}`,
      recipe,
      summary: describeRecipe(recipe),
      built: null,
      measurement: null,
      measuredOn: null,
      createdAt: Date.now(),
      newClasses: { labels, trainingId: open.training.id, testId: open.test.id, dataKey: open.key },
    } satisfies VariantEntry;
    studio.setState((st) => ({ variants: [...st.variants, entry!], variantCounter: number }));
  }
  const target = entry;
  studio.setState({ selectedId: id, classesTraining: { epochs: [], unfrozen: [], samplesPerSecond: null } });
  const modelId = s.model.id;
  const done = await runJob('retarget', target.name, 2, async (ctx) => {
    ctx.step(`Teaching ${labels.join(', ')}`);
    const ref = await studioClient().applyRecipe(
      modelId,
      recipe,
      {
        signal: ctx.job.signal,
        onProgress: (p) => {
          const t = p.streamed?.kind === 'training' ? p.streamed.progress : null;
          // The bar follows the build (features, then epochs) as one count; the epochs go to the panel's readout.
          if (!t) return ctx.progress(p);
          studio.setState((st) => {
            const was = st.classesTraining ?? { epochs: [], unfrozen: [], samplesPerSecond: null };
            if (t.kind !== 'epoch') return { classesTraining: { ...was, samplesPerSecond: t.samplesPerSecond } };
            // The unfrozen layers' epochs count from 1 again, after the head's last.
            const second = was.unfrozen.length > 0 || (was.epochs.length > 0 && t.epoch <= was.epochs.at(-1)!.epoch);
            return { classesTraining: second ? { ...was, unfrozen: [...was.unfrozen, t] } : { ...was, epochs: [...was.epochs, t] } };
          });
        },
      },
      binding,
    );
    keepHandle(modelId, id, recipe, binding, ref.id);
    studio.setState((st) => ({
      variants: st.variants.map((v) => (v.id === id ? { ...v, built: { sparsity: ref.stats.sparsity, weightBytes: ref.stats.weightBytesAfter, warnings: ref.warnings } } : v)),
    }));
    await measureEntry(target, ctx);
  });
  if (!done && isNew && studio.getState().variants.find((v) => v.id === id)?.built === null) deleteVariant(id);
  return done;
}

/** Forgets the class folders (variants trained on them keep their data in the worker). */
export function closeClasses(): void {
  const s = studio.getState();
  ++latestOpen;
  studio.setState({ classes: null, classesError: null, classesOpening: null, classesTraining: null });
  if (s.classes && !inUse(s, s.classes)) for (const id of [s.classes.training.id, s.classes.test.id]) void studioClient().closeData(id).catch(() => {});
}

