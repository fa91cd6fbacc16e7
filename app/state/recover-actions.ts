/**
 * Recovery training from the Recover panel: the compress controls' recipe with a finetune step before storage,
 * trained in the worker on the first samples of the open data, validated on the ones after them, and measured,
 * like every model, on the rest (they are held out from then on). Training reports stream to the panel's curves.
 * Stop ends training keeping the best checkpoint, and the variant is what the worker recorded it as; Cancel
 * cancels; Resume trains the remaining epochs as a recipe of its own (src/studio/recover-recipe.ts).
 */
import { describeRecipe } from '../../src/recipe/schema';
import { defaultRecoverSettings, epochOffsets, recoverRecipe, resumeRecipe, trainedEpochs, type RecoverSettings } from '../../src/studio/recover-recipe';
import { formatCount, formatStored } from '../../src/text/wording';
import type { DataBinding, JobProgress, Recipe, StudioError } from '../../src/worker/api';
import { studioClient } from './client';
import { holdOutCalibration } from './hold-out';
import { runJob } from './jobs';
import type { RecoverEdits, TrainingRunState } from './recover-slice';
import { currentDataKey, currentRecipe, hashOf, isMeasuredNow, originalOf } from './selectors';
import { studio, type StudioState } from './store';
import { dataBinding, keepHandle } from './variant-handles';
import { measureEntry, updateEntry } from './variant-actions';
import type { VariantEntry } from './variants-slice';

/** The settings in effect: the user's edits over defaults that follow the compress controls' sparsity. */
export function recoverSettingsOf(s: Pick<StudioState, 'recoverEdits' | 'controls'>): RecoverSettings {
  const to = s.recoverEdits.to ?? (s.controls.globalSparsity > 0 ? s.controls.globalSparsity : 0.8);
  const defaults = defaultRecoverSettings(to);
  const { trainSamples: _, validationSamples: __, ...edits } = s.recoverEdits;
  return { ...defaults, ...edits, to };
}

export interface TrainingSplit {
  train: number;
  validation: number;
  /** Samples left for measurement. */
  measured: number;
  size: number;
}

/** How the open data splits: training from the start, validation after it, the rest (at least a quarter) measured. */
export function trainingSplitOf(s: Pick<StudioState, 'recoverEdits' | 'data'>): TrainingSplit | null {
  if (!s.data) return null;
  const size = s.data.summary.size;
  const validation = Math.max(0, Math.round(s.recoverEdits.validationSamples ?? Math.round(size * 0.15)));
  const train = Math.max(0, Math.round(s.recoverEdits.trainSamples ?? Math.floor(size * 0.75) - validation));
  return { train, validation, measured: size - train - validation, size };
}

export function setRecoverSettings(edits: RecoverEdits): void {
  studio.setState((s) => ({ recoverEdits: { ...s.recoverEdits, ...edits } }));
}

/** Why training cannot start now, as a sentence, or null. */
export function recoverRefusal(s: StudioState): StudioError | null {
  if (!s.model) return { code: 'bad-options', message: 'Open a model first.' };
  // Graph models train too; one whose ops stop training is refused by the worker, naming the op.
  if (!s.data) return { code: 'missing-data', message: 'Recovery trains on data: open data in the Data panel first (its first samples train, the next validate, the rest measure).' };
  const settings = recoverSettingsOf(s);
  if (!s.data.summary.labelled && !settings.distill) {
    return { code: 'bad-data', message: 'The open data has no labels, so training needs a teacher: turn on distillation, and the original model teaches from its outputs.' };
  }
  const split = trainingSplitOf(s)!;
  if (split.train < 1) return { code: 'bad-options', message: 'Train on at least one sample.' };
  return null;
}

let stopController: AbortController | null = null;

/** Stop: training ends after the batch under way; the best checkpoint so far becomes the variant. */
export function stopTraining(): void {
  if (!stopController || stopController.signal.aborted) return;
  stopController.abort();
  studio.setState((s) => (s.training ? { training: { ...s.training, stopping: true } } : {}));
}

/** Start: trains the compress controls' recipe with a finetune step from the panel's settings. */
export function startRecovery(): Promise<boolean> {
  const s = studio.getState();
  if (!s.model || s.job) return Promise.resolve(false);
  return train(recoverRecipe(currentRecipe(s), recoverSettingsOf(s)));
}

/** Resume: the remaining epochs of the stopped run on screen, from its kept checkpoint. */
export function resumeRecovery(): Promise<boolean> {
  const resume = studio.getState().training?.result?.resume;
  if (!resume || studio.getState().job) return Promise.resolve(false);
  return train(resume);
}

/** One training report onto the curves (epochs numbered on the run's one axis). */
function onTraining(p: JobProgress): void {
  if (p.streamed?.kind !== 'training') return;
  const { where, progress } = p.streamed;
  studio.setState((s) => {
    const t = s.training;
    if (!t) return {};
    const offset = t.offsets[where] ?? 0;
    if (progress.kind === 'batch') {
      const epoch = offset + progress.epoch;
      return { training: { ...t, live: { epoch: epoch - 1 + progress.batch / progress.batches, loss: progress.loss, accuracy: progress.accuracy }, batch: { epoch, loss: progress.loss, accuracy: progress.accuracy, samplesPerSecond: progress.samplesPerSecond, etaSeconds: progress.etaSeconds } } };
    }
    const { kind: _, ...record } = progress;
    const epoch = offset + record.epoch;
    // A resumed run trains its kept epochs again first: the same epoch replaces the one on screen.
    const epochs = [...t.epochs.filter((e) => e.epoch !== epoch), { ...record, epoch }];
    return { training: { ...t, epochs } };
  });
}

async function train(recipe: Recipe): Promise<boolean> {
  const refused = recoverRefusal(studio.getState());
  if (refused) {
    studio.setState({ jobError: { ...refused, job: 'train' } });
    return false;
  }
  const split = trainingSplitOf(studio.getState())!;
  const heldOut = holdOutCalibration(split.train + split.validation, 'Recovery trains on data: open data in the Data panel first.');
  if (heldOut) {
    studio.setState({ jobError: { ...heldOut, message: `Training and validation take ${formatCount(split.train + split.validation)} of the ${formatCount(split.size)} samples, and at least a quarter must be left to measure on: use fewer.` , job: 'train' } });
    return false;
  }
  const s = studio.getState();
  const model = s.model!;
  const dataId = s.data!.id;
  const binding: DataBinding = {
    ...dataBinding(s),
    training: { dataId, start: 0, end: split.train },
    ...(split.validation > 0 ? { validation: { dataId, start: split.train, end: split.train + split.validation } } : {}),
  };
  const run: TrainingRunState = { recipe, offsets: epochOffsets(recipe), totalEpochs: trainedEpochs(recipe), epochs: [], live: null, batch: null, stopping: false, result: null, ended: null };
  studio.setState({ training: run });
  const stop = new AbortController();
  stopController = stop;
  const original = originalOf(s);
  const needOriginal = !isMeasuredNow(original, currentDataKey(s));
  const done = await runJob('train', `Training (${describeRecipe(recipe)})`, 2 + (needOriginal ? 1 : 0), async (ctx) => {
    ctx.step(`Training on samples 1–${formatCount(split.train)}`);
    const onProgress = (p: JobProgress) => {
      if (studio.getState().model?.id === model.id) onTraining(p);
      ctx.progress(p);
    };
    const ref = await studioClient().train(model.id, recipe, { ...ctx.job, onProgress, stop: stop.signal }, binding);
    if (studio.getState().model?.id !== model.id) return;
    // The outcome first, the new variant a task later: each update renders in a task of its own, not one long one.
    const resume = ref.stopped && ref.rebuildable ? resumeRecipe(ref.recipe) : null;
    studio.setState((st) => (st.training ? { training: { ...st.training, live: null } } : {}));
    await nextTask();
    const entry = entryFor(ref.recipe, { train: split.train, validation: split.train + split.validation }, !ref.rebuildable);
    keepHandle(model.id, entry.id, ref.recipe, binding, ref.id);
    const tensors: Record<string, { sparsity: number; stored: string }> = {};
    for (const t of ref.stats.tensors) if (t.prunable) tensors[t.name] = { sparsity: t.sparsity, stored: formatStored(t) };
    await nextTask();
    updateEntry(entry.id, { built: { sparsity: ref.stats.sparsity, weightBytes: ref.stats.weightBytesAfter, tensors, warnings: ref.warnings } });
    await nextTask();
    studio.setState((st) => (st.training ? { training: { ...st.training, result: { entryId: entry.id, note: ref.note, stopped: ref.stopped, rebuildable: ref.rebuildable, resume } } } : {}));
    await measureEntry(studio.getState().variants.find((v) => v.id === entry.id)!, ctx);
    if (needOriginal) await measureEntry(originalOf(studio.getState()), ctx);
  });
  if (stopController === stop) stopController = null;
  if (!done) {
    studio.setState((st) => (st.training && !st.training.result ? { training: { ...st.training, live: null, ended: st.jobError ? 'failed' : 'cancelled' } } : {}));
  }
  return done;
}

const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** The variant entry of a trained recipe: found by its hash, or added and selected. */
function entryFor(recipe: Recipe, trainedOn: VariantEntry['trainedOn'], pinned: boolean): VariantEntry {
  // A pinned variant is one of a kind: it never shares an entry with a recipe that names other weights.
  const id = pinned ? `${hashOf(recipe)} pinned ${Date.now()}` : hashOf(recipe);
  const found = studio.getState().variants.find((v) => v.id === id);
  if (found) {
    studio.setState({ selectedId: id });
    return found;
  }
  const number = studio.getState().variantCounter + 1;
  const entry: VariantEntry = {
    id,
    name: `Variant ${number}`,
    recipe,
    summary: `${describeRecipe(recipe)}${pinned ? ' (stopped mid-epoch)' : ''}`,
    built: null,
    measurement: null,
    measuredOn: null,
    createdAt: Date.now(),
    trainedOn,
    ...(pinned ? { pinned: true } : {}),
  };
  studio.setState((st) => ({ variants: [...st.variants, entry], variantCounter: number, selectedId: id }));
  return entry;
}
