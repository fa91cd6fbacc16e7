/**
 * Costs for the search's mixed-precision moves without the sensitivity curves' model passes: what each kernel's
 * layer loses at each width, from the Gram matrices of the one gptq capture every graph candidate already shares
 * (InputStatsCache). For each width, the uniform candidate at that width is applied (its gptq solves, no model
 * pass: the capture is kept) and each kernel's relative output error ‖XΔW‖² / ‖XW‖² read from what it became
 * (calibrate/output-error.ts). On the human handtrack model (123 kernels, ~0.5 s a view through executeAsync), the
 * curves would be 123 x 4 widths x 35 views: about 2 hours; these are one capture and a solve per width.
 *
 * What it does not see: how a layer's error grows or shrinks on its way to the outputs (every layer's relative
 * error counts the same), so it orders moves and the search verifies them on the validation part, as with the curves.
 */
import type { OpenedModel } from '../model/types';
import { applyRecipe } from '../recipe/apply';
import type { RecipeData } from '../recipe/run/context';
import type { Recipe } from '../recipe/schema';
import { layerEnergy, relativeOutputError } from '../calibrate/output-error';
import { InputStatsCache } from '../calibrate/stats-cache';
import type { WidthCosts } from './mixed';

export interface OutputErrorOptions {
  /** Calibration samples the recipes calibrate on: the capture's key. */
  samples: number;
  signal?: AbortSignal;
}

/**
 * Each prunable tensor's relative output error at each of `widths` (bits; 16 costs nothing), from `recipeAt(bits)`:
 * an unpruned recipe that calibrates gptq in one pass (`sequential: false`) on `calibration` and stores every
 * kernel at `bits`. A kernel the capture does not cover (gptq used nearest rounding for it) gets its weights'
 * own relative error.
 * @example const costs = await outputErrorCosts(model, calibration, (b) => uniformRecipe(b), [8, 6, 5, 4, 3, 2], { samples: 35 });
 */
export async function outputErrorCosts(
  model: OpenedModel,
  calibration: RecipeData,
  recipeAt: (bits: number) => Recipe,
  widths: readonly number[],
  options: OutputErrorOptions,
): Promise<WidthCosts> {
  const data: RecipeData = { ...calibration, statsCache: calibration.statsCache ?? new InputStatsCache() };
  const kernels = model.weights.filter((w) => w.prunable);
  const losses = new Map(kernels.map((w) => [w.name, new Map<number, number>([[16, 0]])]));
  // The key the quantize step captures under: an unpruned recipe finds the model's own topology and weight arrays.
  const key = { topology: model.artifacts.modelTopology, values: model.weights.map((w) => w.values), dataset: data.dataset, samples: options.samples, gram: true };
  let signals: Map<string, number> | null = null;
  for (const bits of widths.filter((b) => b < 16)) {
    const variant = await applyRecipe(model, recipeAt(bits), { signal: options.signal, data: { calibration: data } });
    const stats = data.statsCache!.peek(key);
    signals ??= new Map(kernels.map((w) => [w.name, layerEnergy(w.values, w.shape, stats?.get(w.name) ?? null)]));
    const changed = new Map(variant.weights.map((w) => [w.name, w.values]));
    for (const w of kernels) {
      const s = stats?.get(w.name) ?? null;
      losses.get(w.name)!.set(bits, relativeOutputError(w.values, changed.get(w.name)!, w.shape, s, signals.get(w.name)!));
    }
  }
  return {
    tensors: kernels.map((w) => ({ tensor: w.name, params: w.values.length })),
    loss: (tensor, bits) => {
      const at = losses.get(tensor)?.get(bits);
      if (at === undefined) throw new Error(`Internal error: no output error for '${tensor}' at ${bits} bits.`);
      return at;
    },
    // Relative errors are exact figures, not noisy measurements: the floor only keeps a free move's score finite.
    floor: 1e-12,
  };
}
