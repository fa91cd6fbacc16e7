/**
 * Weight histograms for the studio: one tensor's values before and after a recipe, over the same bins, so the
 * pruned spike at zero and the quantization levels show side by side.
 */

export interface HistogramPair {
  /** Left edge of the first bin and right edge of the last. */
  min: number;
  max: number;
  /** Number of bins; bin i covers [min + i*width, min + (i+1)*width), the last one closed. */
  bins: number;
  width: number;
  before: number[];
  /** Null when there is no "after" (the original model). */
  after: number[] | null;
  /** Exact zeros, before and after (they also sit in their bin). */
  zerosBefore: number;
  zerosAfter: number | null;
  /** Distinct values after, up to 4,097 (quantization shows as few): null when there is no "after". */
  distinctAfter: number | null;
  count: number;
}

function range(values: ArrayLike<number>, lo: number, hi: number): [number, number] {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

function counts(values: ArrayLike<number>, min: number, width: number, bins: number): { counts: number[]; zeros: number } {
  const out = new Array<number>(bins).fill(0);
  let zeros = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    if (v === 0) zeros++;
    const b = width > 0 ? Math.floor((v - min) / width) : 0;
    out[Math.max(0, Math.min(bins - 1, b))]++;
  }
  return { counts: out, zeros };
}

function distinct(values: ArrayLike<number>, cap: number): number {
  const seen = new Set<number>();
  for (let i = 0; i < values.length && seen.size <= cap; i++) seen.add(values[i]);
  return seen.size;
}

/**
 * Histograms of `before` and `after` over one shared range (both tensors' finite min and max). A constant tensor
 * gets a range of ±0.5 around its value.
 *
 * @example
 *   const h = histogramPair(original.values, variant.values, 80);
 *   h.before[i], h.after?.[i] // counts in bin i
 */
export function histogramPair(before: ArrayLike<number>, after: ArrayLike<number> | null, bins = 80): HistogramPair {
  if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`bins must be a whole number of at least 1; got ${bins}.`);
  let [min, max] = range(before, Infinity, -Infinity);
  if (after) [min, max] = range(after, min, max);
  if (!(min <= max)) [min, max] = [0, 0];
  if (min === max) {
    min -= 0.5;
    max += 0.5;
  }
  const width = (max - min) / bins;
  const b = counts(before, min, width, bins);
  const a = after ? counts(after, min, width, bins) : null;
  return {
    min,
    max,
    bins,
    width,
    before: b.counts,
    after: a?.counts ?? null,
    zerosBefore: b.zeros,
    zerosAfter: a?.zeros ?? null,
    distinctAfter: after ? distinct(after, 4096) : null,
    count: before.length,
  };
}
