/** Actions on the compress slice: slider and select changes. Touching any control drops a loaded recipe. */
import type { LayerOverride, PruneMethod, PruneScope, RoundingMethod } from '../../src/studio/controls';
import { defaultControls } from '../../src/studio/controls';
import type { ClipMethod, Precision } from '../../src/recipe/schema';
import { studio } from './store';

/** Sliders go from 0 to 99%: 100% would zero every prunable weight. */
export const MAX_SPARSITY = 0.99;

function clampSparsity(s: number): number {
  if (!Number.isFinite(s)) return 0;
  // Whole percents keep recipes (and their hashes) tidy: 0.29, not 0.29000000000000004.
  return Math.min(MAX_SPARSITY, Math.max(0, Math.round(s * 100) / 100));
}

export function setGlobalSparsity(fraction: number): void {
  studio.setState((s) => ({ controls: { ...s.controls, globalSparsity: clampSparsity(fraction) }, loadedRecipe: null }));
}

export function setPrecision(precision: Precision): void {
  studio.setState((s) => ({ controls: { ...s.controls, precision }, loadedRecipe: null }));
}

export function setClip(clip: ClipMethod): void {
  studio.setState((s) => ({ controls: { ...s.controls, clip }, loadedRecipe: null }));
}

function setLayer(name: string, change: (o: LayerOverride) => LayerOverride): void {
  studio.setState((s) => {
    const next = change({ ...(s.controls.layers[name] ?? {}) });
    const layers = { ...s.controls.layers };
    if (next.sparsity === undefined && next.precision === undefined) delete layers[name];
    else layers[name] = next;
    return { controls: { ...s.controls, layers }, loadedRecipe: null };
  });
}

/** A layer's own sparsity (its slider); undefined returns it to the global one. */
export function setLayerSparsity(name: string, fraction: number | undefined): void {
  setLayer(name, (o) => ({ ...o, sparsity: fraction === undefined ? undefined : clampSparsity(fraction) }));
}

/** A layer's own precision; undefined returns it to the global choice. */
export function setLayerPrecision(name: string, precision: Precision | undefined): void {
  setLayer(name, (o) => ({ ...o, precision }));
}

/** Back to the global settings for one layer. */
export function resetLayer(name: string): void {
  setLayer(name, () => ({}));
}

/** Every control back to "no change". */
export function resetControls(): void {
  studio.setState({ controls: defaultControls(), loadedRecipe: null });
}

/** How pruning picks its weights; the calibrated methods use the open data. */
export function setPruneMethod(pruneMethod: PruneMethod): void {
  studio.setState((s) => ({ controls: { ...s.controls, pruneMethod }, loadedRecipe: null }));
}

/** Nearest rounding, or error-compensating rounding from the open data. */
export function setRounding(rounding: RoundingMethod): void {
  studio.setState((s) => ({ controls: { ...s.controls, rounding }, loadedRecipe: null }));
}

/** Samples the calibrated methods read from the start of the data (a whole number, at least 1). */
export function setCalibrationSamples(samples: number): void {
  if (!Number.isFinite(samples)) return;
  const calibrationSamples = Math.max(1, Math.round(samples));
  studio.setState((s) => ({ controls: { ...s.controls, calibrationSamples }, loadedRecipe: null }));
}

/** One threshold over all layers, or the same sparsity in every layer (see PruneScope). */
export function setPruneScope(pruneScope: PruneScope): void {
  studio.setState((s) => ({ controls: { ...s.controls, pruneScope }, loadedRecipe: null }));
}
