/**
 * Choosing the range an affine grid spans. 'minmax' is the converter's (every value representable, but one outlier
 * stretches every step). Clipping a few outliers makes the steps finer for everything else:
 * - 'percentile': from the p-th lowest to the p-th highest percentile of the values (default p = 99.99), found by
 *   linear-time selection.
 * - 'mse': the range whose grid gives the least mean squared reconstruction error, searched on a histogram and then
 *   checked exactly against min/max, so it is never worse than 'minmax'.
 * A range never has to be widened here to keep zeros exact: quantizeAffine widens every range to hold 0 when the data
 * holds 0, and the converter's nudge then puts 0 exactly on the grid.
 */
import { PareError } from '../errors';
import { bitsOf, kthSmallestKey, primeKernel, valueOfKey } from '../prune/select';
import { affineParams, finiteRange, roundHalfEven } from './params';

export type ClipMethod = 'minmax' | 'percentile' | 'mse';

export interface Range {
  min: number;
  max: number;
}

export const DEFAULT_PERCENTILE = 99.99;

/**
 * The range to quantize `values` over with `clip` (see the module comment). Non-finite values are ignored.
 *
 * @example
 *   chooseRange(weights, 4, { clip: 'mse' }) // { min: -0.21, max: 0.19 } for weights spanning [-0.9, 0.8]
 */
export function chooseRange(
  values: Float32Array,
  bits: number,
  opts: { clip?: ClipMethod; percentile?: number } = {},
  data: Range & { nonFinite: number } = finiteRange(values),
): Range {
  const clip = opts.clip ?? 'minmax';
  if (clip === 'minmax' || data.min === data.max) return { min: data.min, max: data.max };
  if (clip === 'percentile') return percentileRange(values, opts.percentile ?? DEFAULT_PERCENTILE, data.nonFinite);
  if (clip === 'mse') return mseRange(values, bits, data);
  throw new PareError('bad-options', `Clip method must be 'minmax', 'percentile' or 'mse'; got '${String(clip)}'.`);
}

/** [p-th lowest, p-th highest] percentile of the finite values, by selection (no sort). */
export function percentileRange(values: Float32Array, percentile: number, nonFinite = 0): Range {
  if (!(percentile >= 50 && percentile <= 100)) {
    throw new PareError('bad-options', `Clip percentile must be a number from 50 to 100; got ${String(percentile)}.`);
  }
  const finite = nonFinite > 0 ? values.filter(Number.isFinite) : values;
  const m = finite.length;
  if (m === 0) return { min: 0, max: 0 };
  const p = percentile / 100;
  const loRank = Math.floor((1 - p) * (m - 1)) + 1;
  const hiRank = Math.ceil(p * (m - 1)) + 1;
  const view = [bitsOf(finite)];
  const lo = valueOfKey(kthSmallestKey(view, loRank, 'signed').key, 'signed');
  const hi = valueOfKey(kthSmallestKey(view, hiRank, 'signed').key, 'signed');
  return { min: lo + 0, max: hi + 0 };
}

const BINS = 4096;
const ALPHAS = Array.from({ length: 64 }, (_, j) => 0.01 ** (j / 63)); // 1 down to 0.01, ~7% apart

/**
 * The range with the least mean squared reconstruction error. Candidates shrink the data's range towards 0 (or
 * towards its middle when it does not hold 0) by a factor per end; their errors are estimated on a 4,096-bin
 * histogram (each bin as a point at its mean; when a step is under 4 bins wide, in-range error as step²/12), first
 * with one factor for both ends, then each end on its own. The best candidate is then measured exactly against
 * min/max, and the better of the two is returned.
 */
export function mseRange(values: Float32Array, bits: number, data: Range = finiteRange(values)): Range {
  const { min: mn, max: mx } = data;
  if (mn === mx) return { min: mn, max: mx };
  const hist = histogram(values, mn, mx);
  const center = mn <= 0 && 0 <= mx ? 0 : (mn + mx) / 2;
  const rangeAt = (aLo: number, aHi: number): Range => ({
    min: Math.fround(center + aLo * (mn - center)),
    max: Math.fround(center + aHi * (mx - center)),
  });
  const cost = (aLo: number, aHi: number) => estimateError(hist, rangeAt(aLo, aHi), bits);

  let bestLo = 1;
  let bestHi = 1;
  let best = cost(1, 1);
  for (const a of ALPHAS) {
    const c = cost(a, a);
    if (c < best) [best, bestLo, bestHi] = [c, a, a];
  }
  for (let round = 0; round < 2; round++) {
    for (const a of ALPHAS) {
      const c = cost(a, bestHi);
      if (c < best) [best, bestLo] = [c, a];
    }
    for (const a of ALPHAS) {
      const c = cost(bestLo, a);
      if (c < best) [best, bestHi] = [c, a];
    }
  }
  // Refine each end in 0.5% steps between its neighbours on the coarse grid.
  for (let round = 0; round < 2; round++) {
    const lo0 = bestLo;
    for (let j = -8; j <= 8; j++) {
      const a = Math.min(1, lo0 * (1 + j * 0.005));
      const c = cost(a, bestHi);
      if (c < best) [best, bestLo] = [c, a];
    }
    const hi0 = bestHi;
    for (let j = -8; j <= 8; j++) {
      const a = Math.min(1, hi0 * (1 + j * 0.005));
      const c = cost(bestLo, a);
      if (c < best) [best, bestHi] = [c, a];
    }
  }
  const candidate = rangeAt(bestLo, bestHi);
  if (bestLo === 1 && bestHi === 1) return { min: mn, max: mx };
  return exactMse(values, candidate, bits) < exactMse(values, data, bits) ? candidate : { min: mn, max: mx };
}

interface Histogram {
  counts: Float64Array;
  means: Float64Array;
  width: number;
}

function histogram(values: Float32Array, mn: number, mx: number): Histogram {
  const counts = new Float64Array(BINS);
  const sums = new Float64Array(BINS);
  const width = (mx - mn) / BINS;
  const perUnit = BINS / (mx - mn);
  for (let i = 0, n = values.length; i < n; i++) {
    const v = values[i];
    if (!(v >= mn && v <= mx)) continue; // NaN and ±Infinity
    let b = Math.floor((v - mn) * perUnit);
    if (b >= BINS) b = BINS - 1;
    counts[b]++;
    sums[b] += v;
  }
  const means = new Float64Array(BINS);
  for (let b = 0; b < BINS; b++) means[b] = counts[b] > 0 ? sums[b] / counts[b] : 0;
  return { counts, means, width };
}

/** Widens a range to hold 0 when the data does, as quantizeAffine will. */
function withZero(range: Range, holdsZero: boolean): Range {
  return holdsZero ? { min: Math.min(range.min, 0), max: Math.max(range.max, 0) } : range;
}

function estimateError(h: Histogram, range: Range, bits: number): number {
  const p = affineParams(range.min, range.max, bits);
  const s = p.scale;
  const bottom = Math.fround(p.min);
  const top = Math.fround(p.max);
  const uniform = s < 4 * h.width;
  const inRange = (s * s) / 12;
  let err = 0;
  for (let b = 0; b < BINS; b++) {
    const c = h.counts[b];
    if (c === 0) continue;
    const x = h.means[b];
    let e2: number;
    if (x <= p.min) e2 = (x - bottom) ** 2;
    else if (x >= p.max) e2 = (x - top) ** 2;
    else if (uniform) e2 = inRange;
    else {
      const d = x - (roundHalfEven((x - p.min) / s) * s + p.min);
      e2 = d * d;
    }
    err += c * e2;
  }
  return err;
}

/** Mean squared error of quantizing then decoding the finite values over `range`, exactly as quantizeAffine would. */
export function exactMse(values: Float32Array, range: Range, bits: number): number {
  const data = finiteRange(values);
  const r = withZero(range, data.min <= 0 && 0 <= data.max);
  const p = affineParams(Math.fround(r.min), Math.fround(r.max), bits);
  const f32 = new Float32Array(1);
  let sum = 0;
  let n = 0;
  for (let i = 0, len = values.length; i < len; i++) {
    const v = values[i];
    if (v - v !== 0) continue;
    const clipped = v < p.min ? p.min : v > p.max ? p.max : v;
    const code = p.min === p.max ? 0 : roundHalfEven((clipped - p.min) / p.scale);
    f32[0] = code * p.scale + p.min;
    const d = f32[0] - v;
    sum += d * d;
    n++;
  }
  return n === 0 ? 0 : sum / n;
}

primeKernel((s) => histogram(s, -1, 1));
