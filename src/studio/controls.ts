/**
 * The studio's compression controls (one global sparsity and precision, overrides per tensor) and the recipe
 * they stand for. Pure, so the page, the worker and the tests agree on what a slider position means.
 */
import type { PlannedTensor } from '../recipe/plan';
import { planRecipe } from '../recipe/plan';
import { lastPruneStepOf, parseRecipe, quantizeStepOf, recipeHash, stepsOfKind, type ClipMethod, type Precision, type Recipe } from '../recipe/schema';

export interface LayerOverride {
  /** The tensor's own sparsity in [0, 1]; it then leaves the global threshold. */
  sparsity?: number;
  precision?: Precision;
}

/**
 * How the global sparsity spreads over the tensors without an override: one magnitude threshold over all of
 * them ('global', the recipe's `prune.sparsity`: small layers can lose every weight), or the same sparsity in
 * every layer ('each', the recipe's `prune.default`).
 */
export type PruneScope = 'global' | 'each';

/** How pruning picks its weights: by magnitude alone, or from calibration data (see PruneStep.method). */
export type PruneMethod = 'magnitude' | 'wanda' | 'obs';
/** Which level each quantized weight takes: the nearest, or error-compensating from calibration data. */
export type RoundingMethod = 'nearest' | 'gptq';

/** Calibration samples the calibrated methods use when the controls do not say (from the start of the data). */
export const STUDIO_CALIBRATION_SAMPLES = 256;

export interface CompressControls {
  /** Global magnitude pruning in [0, 0.99] over the prunable tensors without an override. */
  globalSparsity: number;
  /** Absent means 'global' (controls saved before the choice existed). */
  pruneScope?: PruneScope;
  /** Precision of every tensor without an override. */
  precision: Precision;
  /** How affine quantization picks its range (see src/recipe/schema.ts). */
  clip: ClipMethod;
  /** Overrides by exact tensor name. */
  layers: Record<string, LayerOverride>;
  /** Absent means 'magnitude' (no data). The calibrated ones need data; the page holds their samples out of measurement. */
  pruneMethod?: PruneMethod;
  /** Absent means 'nearest'. 'gptq' applies to affine and low-bit storage, and needs data. */
  rounding?: RoundingMethod;
  /** With 'gptq': every layer's statistics from one pass over the model (`sequential: false`, as the search gives graph models). */
  roundingOnePass?: boolean;
  /** Samples the calibrated methods read from the start of the data (default STUDIO_CALIBRATION_SAMPLES). */
  calibrationSamples?: number;
  /** Share of channels removed from every group that can shrink (the prune-channels step), 0 or absent for none. */
  channelRatio?: number;
  /**
   * Per-group channel ratios, by the name of the group's first own layer (the recipe's `perGroup` rules, exact
   * names): a group listed here takes its own ratio instead of `channelRatio` (0 keeps it whole).
   */
  channelGroups?: Record<string, number>;
  /** Refit the layers that read removed channels by least squares on the data's first samples. */
  channelRefit?: boolean;
  /** Fold batch norms and fuse activations, exporting a graph model (the fuse step). */
  fuse?: boolean;
}

const isAffine = (p: Precision | undefined) => p !== undefined && (typeof p === 'object' || p === 'uint8' || p === 'uint16');

/**
 * Whether the recipe of `c` uses calibration data: a calibrated pruning method with something to prune, or
 * error-compensating rounding with some tensor stored affine or in fewer bits.
 */
export function controlsUseCalibration(c: CompressControls): boolean {
  const layers = Object.values(c.layers);
  const prunes = c.globalSparsity > 0 || layers.some((o) => (o.sparsity ?? 0) > 0);
  const rounds = isAffine(c.precision) || layers.some((o) => isAffine(o.precision));
  const refits = ((c.channelRatio ?? 0) > 0 || Object.values(c.channelGroups ?? {}).some((r) => r > 0)) && c.channelRefit === true;
  return ((c.pruneMethod ?? 'magnitude') !== 'magnitude' && prunes) || ((c.rounding ?? 'nearest') === 'gptq' && rounds) || refits;
}

/** No pruning, every tensor kept as the input stored it. */
export function defaultControls(): CompressControls {
  return { globalSparsity: 0, precision: 'keep', clip: 'minmax', layers: {} };
}

/**
 * The recipe the controls stand for. Overrides become exact-name rules, sorted by name, so equal controls give
 * equal recipes (and the same hash).
 *
 * @example recipeFromControls({ globalSparsity: 0.5, precision: 'uint8', layers: { 'fc3/kernel': { sparsity: 0 } } })
 */
export function recipeFromControls(c: CompressControls): Recipe {
  const names = Object.keys(c.layers).sort();
  const prunes = names.flatMap((match) => {
    const s = c.layers[match].sparsity;
    return s === undefined ? [] : [{ match, sparsity: s }];
  });
  const quants = names.flatMap((match) => {
    const p = c.layers[match].precision;
    return p === undefined ? [] : [{ match, precision: p }];
  });
  const samples = c.calibrationSamples ?? STUDIO_CALIBRATION_SAMPLES;
  const calibrated = { data: 'calibration' as const, samples };
  const pruneMethod = c.pruneMethod ?? 'magnitude';
  const prunesSomething = c.globalSparsity > 0 || prunes.some((r) => r.sparsity > 0);
  const rounds = isAffine(c.precision) || quants.some((r) => isAffine(r.precision));
  const channelRatio = c.channelRatio ?? 0;
  const perGroup = Object.keys(c.channelGroups ?? {})
    .sort()
    .map((match) => ({ match, ratio: c.channelGroups![match]! }));
  // Rules that only keep groups whole remove nothing without a global ratio: no step then.
  const removesChannels = channelRatio > 0 || perGroup.some((r) => r.ratio > 0);
  return parseRecipe({
    pare: 'recipe',
    version: 2,
    steps: [
      // Channels first (the later steps work on the smaller model), then weights, then fusion; storage ends it.
      ...(removesChannels
        ? [{ step: 'prune-channels' as const, ratio: channelRatio, ...(perGroup.length ? { perGroup } : {}), ...(c.channelRefit ? { compensate: true, ...calibrated } : {}) }]
        : []),
      {
        step: 'prune',
        ...(c.globalSparsity > 0 ? { [c.pruneScope === 'each' ? 'default' : 'sparsity']: c.globalSparsity } : {}),
        ...(prunes.length ? { perTensor: prunes } : {}),
        // Only a step that prunes names data: a calibrated step with nothing to do would still ask for it.
        ...(pruneMethod !== 'magnitude' && prunesSomething ? { method: pruneMethod, ...calibrated } : {}),
      },
      ...(c.fuse ? [{ step: 'fuse' as const }] : []),
      {
        step: 'quantize',
        default: c.precision,
        clip: c.clip,
        ...(quants.length ? { perTensor: quants } : {}),
        ...(c.rounding === 'gptq' && rounds ? { method: 'gptq' as const, ...(c.roundingOnePass ? { sequential: false } : {}), ...calibrated } : {}),
      },
    ],
  });
}

export interface ControlsFromRecipe {
  controls: CompressControls;
  /** True when recipeFromControls(controls) is the same recipe (same hash): the sliders say it all. */
  exact: boolean;
}

/**
 * Sets the controls from a recipe (a loaded recipe.json), resolved against the model's tensors: pattern rules
 * become overrides of the tensors they select. A recipe the controls cannot say exactly (patterns, skips,
 * per-rule clipping, steps other than prune and quantize) still maps to what it does to these tensors, with `exact`
 * false.
 */
export function controlsFromRecipe(recipe: Recipe, tensors: readonly PlannedTensor[]): ControlsFromRecipe {
  const plan = planRecipe(tensors, recipe);
  const prune = lastPruneStepOf(recipe);
  const quantize = quantizeStepOf(recipe);
  const each = prune?.default !== undefined;
  const controls: CompressControls = {
    globalSparsity: prune?.sparsity ?? prune?.default ?? 0,
    ...(each ? { pruneScope: 'each' as const } : {}),
    precision: quantize?.default ?? 'keep',
    clip: quantize?.clip ?? 'minmax',
    layers: {},
  };
  if (prune && prune.method !== 'magnitude') controls.pruneMethod = prune.method;
  const channels = stepsOfKind(recipe, 'prune-channels')[0];
  if (channels) {
    controls.channelRatio = channels.ratio;
    if (channels.perGroup.length) controls.channelGroups = Object.fromEntries(channels.perGroup.map((r) => [r.match, r.ratio]));
    if (channels.compensate) controls.channelRefit = true;
  }
  if (stepsOfKind(recipe, 'fuse').length > 0) controls.fuse = true;
  if (quantize?.method === 'gptq') controls.rounding = 'gptq';
  if (quantize?.method === 'gptq' && quantize.sequential === false) controls.roundingOnePass = true;
  const samples =
    (prune?.method !== 'magnitude' ? prune?.samples : undefined) ?? (quantize?.method === 'gptq' ? quantize.samples : undefined) ?? (channels?.compensate ? channels.samples : undefined);
  if (samples !== undefined && samples !== STUDIO_CALIBRATION_SAMPLES) controls.calibrationSamples = samples;
  const defaultStore = planRecipe(tensors, parseRecipe({ pare: 'recipe', version: 2, steps: [{ step: 'quantize', default: controls.precision }] }));
  plan.tensors.forEach((t, i) => {
    const o: LayerOverride = {};
    // A tensor pruned by `prune.default` follows the slider; only a rule's own sparsity is an override.
    if (t.prune.mode === 'tensor' && t.prune.rule !== undefined) o.sparsity = t.prune.sparsity;
    else if (t.prune.mode === 'none' && tensors[i].prunable && controls.globalSparsity > 0) o.sparsity = 0;
    const d = defaultStore.tensors[i].store;
    const bitsOf = (x: typeof d) => ('bits' in x ? x.bits : 0);
    if (d.dtype !== t.store.dtype || bitsOf(d) !== bitsOf(t.store)) {
      const s = t.store;
      o.precision =
        s.dtype === 'float32' ? 'none' : s.dtype === 'float16' ? 'float16' : s.dtype === 'uint16' ? 'uint16' : s.dtype === 'uint8' ? (s.bits === 8 ? 'uint8' : { bits: s.bits }) : 'keep';
    }
    if (o.sparsity !== undefined || o.precision !== undefined) controls.layers[t.name] = o;
  });
  return { controls, exact: recipeHash(recipeFromControls(controls)) === recipeHash(recipe) };
}
