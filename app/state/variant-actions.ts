/**
 * Actions on the variants slice: Apply (build and measure the recipe in the controls), Measure (everything, on
 * the current data), select, rename, delete. Measurements land on the entry whose recipe hash they belong to.
 */
import { describeRecipe, emptyRecipe, recipeHash } from '../../src/recipe/schema';
import type { Measurement, MeasureOptions, Recipe } from '../../src/worker/api';
import { formatStored } from '../../src/text/wording';
import { studioClient } from './client';
import { runJob, type JobContext } from './jobs';
import { calibrationSamplesOf, holdOutCalibration } from './hold-out';
import { dataBinding, handleOf, keepHandle } from './variant-handles';
import type { MeasureBackend } from '../../src/worker/api';
import { currentDataKey, currentRecipe, hashOf, isMeasuredNow, originalOf } from './selectors';
import { studio, type StudioState } from './store';
import { ORIGINAL, type VariantEntry } from './variants-slice';

/** The hash of the recipe that changes nothing. */
const UNCHANGED = recipeHash(emptyRecipe());

/** Samples per predict call: the worker sees a Cancel between batches, so on large models it stops within a moment. */
const MEASURE_BATCH = 16;

function measureOptions(s: StudioState): MeasureOptions {
  const runs = s.measureSettings.latencyRuns;
  const options: MeasureOptions = {
    dataId: s.data?.id ?? null,
    backend: s.measureSettings.backend,
    latencyRuns: runs,
    warmupRuns: Math.min(3, runs),
  };
  if (s.data && s.data.heldOut > 0) options.heldOut = s.data.heldOut;
  // A model whose input fixes the batch size gets that one (the worker picks it); the others get small batches.
  const batch = s.model?.inventory.inputs[0]?.shape[0];
  if (typeof batch !== 'number') options.batchSize = MEASURE_BATCH;
  return options;
}

export function updateEntry(id: string, change: Partial<VariantEntry>): void {
  studio.setState((s) => ({ variants: s.variants.map((v) => (v.id === id ? { ...v, ...change } : v)) }));
}

/** Measures one entry in the worker by its handle and stores the result on it (if it still exists). */
export async function measureEntry(entry: VariantEntry, ctx: JobContext): Promise<Measurement> {
  const s = studio.getState();
  if (!s.model) throw { code: 'bad-options', message: 'No model is open.' };
  ctx.step(`Measuring ${entry.name}`);
  const modelId = s.model.id;
  // A variant taught new classes is measured on the held-out images of its own folders, never on the Data panel's.
  const own = entry.newClasses;
  const dataKey = own ? own.dataKey : currentDataKey(s);
  const handle = await handleOf(modelId, entry, dataBinding(s));
  const options = own ? { ...measureOptions(s), dataId: own.testId, heldOut: 0 } : measureOptions(s);
  const m = await studioClient().measure(modelId, handle, options, ctx.job);
  updateEntry(entry.id, { measurement: m, measuredOn: dataKey });
  return m;
}

/** Says that Apply found the recipe's variant instead of making one (it is selected, maybe measured again). */
function alreadyThere(entry: VariantEntry, remeasure: boolean): void {
  const text =
    entry.id === ORIGINAL
      ? 'This recipe changes nothing: it is the original, so the original is selected.'
      : `This recipe is already variant '${entry.name}' — selected it${remeasure ? ' to measure it on the current data' : ''}.`;
  studio.setState({ notice: { job: 'apply', text } });
}

/**
 * Apply: builds the variant of the current recipe, measures it, and measures the original too when it has no
 * current measurement (the charts need it). Applying a recipe that already has a variant selects it, says so,
 * and measures it again only when its measurement is stale.
 */
export async function applyCurrent(): Promise<boolean> {
  if (!studio.getState().model || studio.getState().job) return false;
  const recipe: Recipe = currentRecipe(studio.getState());
  const refused = holdOutCalibration(
    calibrationSamplesOf(recipe),
    'This recipe calibrates on data (Wanda, OBS or GPTQ): open data in the Data panel first, or choose magnitude pruning and nearest rounding, which need none.',
  );
  if (refused) {
    studio.setState({ jobError: { ...refused, job: 'apply' } });
    return false;
  }
  const s = studio.getState();
  const id = hashOf(recipe);
  if (id === UNCHANGED) {
    // The recipe that changes nothing is the original.
    studio.setState({ selectedId: ORIGINAL });
    const done = await measureStale();
    if (done) alreadyThere(originalOf(studio.getState()), false);
    return done;
  }
  let entry = s.variants.find((v) => v.id === id);
  const isNew = entry === undefined;
  if (entry && entry.built !== null && isMeasuredNow(entry, currentDataKey(s))) {
    // Already there and measured on this data: select it (and measure the original if it lacks a measurement).
    studio.setState({ selectedId: id });
    const done = await measureStale();
    if (done) alreadyThere(entry, false);
    return done;
  }
  if (!entry) {
    const number = s.variantCounter + 1;
    entry = {
      id,
      name: `Variant ${number}`,
      recipe,
      summary: describeRecipe(recipe),
      built: null,
      measurement: null,
      measuredOn: null,
      createdAt: Date.now(),
    };
    studio.setState((st) => ({ variants: [...st.variants, entry!], variantCounter: number }));
  }
  studio.setState({ selectedId: id });
  const target = entry;
  const dataKey = currentDataKey(s);
  const original = originalOf(s);
  const needOriginal = !isMeasuredNow(original, dataKey);
  const steps = 2 + (needOriginal ? 1 : 0);
  const done = await runJob('apply', `${target.name} (${target.summary})`, steps, async (ctx) => {
    ctx.step(`Building ${target.name}`);
    const modelId = studio.getState().model!.id;
    const ref = await studioClient().applyRecipe(modelId, recipe, ctx.job, dataBinding(studio.getState()));
    keepHandle(modelId, id, recipe, dataBinding(studio.getState()), ref.id);
    const tensors: Record<string, { sparsity: number; stored: string }> = {};
    for (const t of ref.stats.tensors) {
      if (t.prunable) tensors[t.name] = { sparsity: t.sparsity, stored: formatStored(t) };
    }
    updateEntry(id, { built: { sparsity: ref.stats.sparsity, weightBytes: ref.stats.weightBytesAfter, tensors, warnings: ref.warnings } });
    await measureEntry(target, ctx);
    if (needOriginal) await measureEntry(original, ctx);
  });
  if (done && !isNew) alreadyThere(target, true);
  // A new variant that was never built (cancelled or failed at once) is not kept.
  if (!done && isNew) {
    const now = studio.getState().variants.find((v) => v.id === id);
    if (now && now.built === null) deleteVariant(id);
  }
  return done;
}

/** Measures every entry whose measurement is missing or was made on other data. */
export function measureStale(): Promise<boolean> {
  const s = studio.getState();
  const key = currentDataKey(s);
  return measureEntries(s.variants.filter((v) => !isMeasuredNow(v, key)));
}

/** The Measure button: the original and every variant, again, on the current data and settings. */
export function measureAll(): Promise<boolean> {
  return measureEntries(studio.getState().variants);
}

async function measureEntries(entries: VariantEntry[]): Promise<boolean> {
  const s = studio.getState();
  if (!s.model || s.job) return false;
  if (entries.length === 0) return true;
  const label = entries.length === 1 ? entries[0].name : `${entries.length} models`;
  return runJob('measure', label, entries.length, async (ctx) => {
    for (const entry of entries) {
      // Deleted meanwhile: skip.
      if (!studio.getState().variants.some((v) => v.id === entry.id)) continue;
      await measureEntry(entry, ctx);
    }
  });
}

export function selectVariant(id: string): void {
  if (studio.getState().variants.some((v) => v.id === id)) studio.setState({ selectedId: id });
}

/** Renames a variant; blank names are ignored. The original keeps its name. */
export function renameVariant(id: string, name: string): void {
  const trimmed = name.trim();
  if (id === ORIGINAL || trimmed === '') return;
  updateEntry(id, { name: trimmed.slice(0, 80) });
}

/** Deletes a variant (never the original); the selection falls back to the original. */
export function deleteVariant(id: string): void {
  if (id === ORIGINAL) return;
  studio.setState((s) => ({
    variants: s.variants.filter((v) => v.id !== id),
    selectedId: s.selectedId === id ? ORIGINAL : s.selectedId,
    lastExport: s.lastExport?.variantId === id ? null : s.lastExport,
  }));
}

export function setMeasureBackend(backend: MeasureBackend): void {
  studio.setState((s) => ({ measureSettings: { ...s.measureSettings, backend } }));
}

/** Timed latency runs per measurement, 0 (skip) to 500. */
export function setLatencyRuns(runs: number): void {
  const n = Number.isFinite(runs) ? Math.max(0, Math.min(500, Math.round(runs))) : 20;
  studio.setState((s) => ({ measureSettings: { ...s.measureSettings, latencyRuns: n } }));
}

export function showHistogramOf(tensor: string | null): void {
  studio.setState({ histogramTensor: tensor });
}
