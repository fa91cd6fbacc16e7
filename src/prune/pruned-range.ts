/**
 * The min and max a tensor will have once pruned, from the min and max of its source: the selection's scan measures
 * the source's range on its way (passes.ts), so quantization after pruning knows its grid before any pruned value
 * is written, and can code the source weights directly (quantize/pruned-affine.ts).
 *
 * The pruned tensor holds the kept weights and, if anything was pruned, +0. A source extreme whose magnitude is
 * above the threshold is kept, so it stays the extreme; an extreme at or below the threshold may be pruned (or
 * kept by the tie quota), and the kept weights' extreme on that side is not known without reading them all again.
 */

const F32 = new Float32Array(1);
const I32 = new Int32Array(F32.buffer);

/** The magnitude key of a number as float32 (its bits & 0x7fffffff). */
export function magnitudeKey(x: number): number {
  F32[0] = x;
  return I32[0]! & 0x7fffffff;
}

/**
 * The pruned tensor's [min, max] (zeros included), or null when a source extreme is not above the threshold while
 * the tensor keeps some weights, or is not known. `source`: the finite min and max of the source, each null when no
 * value has that sign (passes.ts sideRange); `thresholdKey` > 0: weights with smaller magnitude keys are pruned;
 * `zeros`: the pruned tensor's zeros, out of `n` weights.
 *
 * @example
 *   prunedRange({ min: null, max: 2 }, keyOf(0.5), 3, 6) // { min: 0, max: 2 }: all positive, the smallest went to 0
 */
export function prunedRange(source: { min: number | null; max: number | null }, thresholdKey: number, zeros: number, n: number): { min: number; max: number } | null {
  if (zeros === n) return { min: 0, max: 0 };
  if (zeros === 0) return source.min === null || source.max === null ? null : { min: source.min, max: source.max };
  // Pruned zeros are there: a side with no value of its sign (null) or none past zero ends at 0.
  let max = 0;
  if (source.max !== null && source.max > 0) {
    if (magnitudeKey(source.max) <= thresholdKey) return null;
    max = source.max;
  }
  let min = 0;
  if (source.min !== null && source.min < 0) {
    if (magnitudeKey(source.min) <= thresholdKey) return null;
    min = source.min;
  }
  return { min, max };
}
