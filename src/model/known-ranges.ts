/**
 * The min and max measured on an array by whoever made it or first read it all, for later steps to use instead of
 * measuring again: opening a model measures every float32 weight's on its check for NaN and Infinity, pruning
 * tracks them while it writes, and quantization (and pruning fused with it, quantize/coded-selection.ts) reads them
 * (a separate min/max pass over 25M weights took as long as a third of the pruning). Keyed by the array itself, so
 * a later step that makes new values (and every weight copy that carries its `values` along) cannot leave a stale
 * range behind: opened weights and working models' arrays are never written once made.
 */
const ranges = new WeakMap<ArrayBufferView, { min: number; max: number }>();

/** Records the range of `values`, which must be final: nobody writes into it afterwards. Null records nothing. */
export function noteRange(values: Float32Array, range: { min: number; max: number } | null): void {
  if (range) ranges.set(values, range);
}

/** The range recorded for exactly this array (finite values only, no NaN or ±Infinity), or undefined. */
export function knownRange(values: ArrayBufferView): { min: number; max: number } | undefined {
  return ranges.get(values);
}
