/**
 * Statistics of latency samples. Quantiles use numpy's default 'linear' method (R type 7), so figures can be
 * checked against `np.percentile(samples, q)`.
 */
import { PareError } from '../errors';

/**
 * The q-quantile (q in [0, 1]) of `values` by linear interpolation between closest ranks:
 * h = (n - 1) q, result = x[floor h] + (h - floor h) (x[floor h + 1] - x[floor h]) over the sorted values.
 *
 * @throws PareError('bad-options') for no values or q outside [0, 1]
 * @example quantile([1, 2, 3, 4], 0.1) // 1.3, as np.percentile([1, 2, 3, 4], 10)
 */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) throw new PareError('bad-options', 'A quantile needs at least one value; got none.');
  if (!(q >= 0 && q <= 1)) throw new PareError('bad-options', `A quantile is taken at q in [0, 1]; got ${q}.`);
  return quantileSorted([...values].sort((a, b) => a - b), q);
}

/** `quantile` over values already sorted ascending. */
export function quantileSorted(sorted: readonly number[], q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

export function mean(values: readonly number[]): number {
  if (values.length === 0) throw new PareError('bad-options', 'A mean needs at least one value; got none.');
  return values.reduce((a, b) => a + b, 0) / values.length;
}

export interface Summary {
  count: number;
  min: number;
  max: number;
  mean: number;
  median: number;
  p10: number;
  p90: number;
}

/** Median, p10, p90, mean, min and max of the samples. */
export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) throw new PareError('bad-options', 'Nothing to summarise: no samples.');
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    min: sorted[0],
    max: sorted[sorted.length - 1],
    mean: mean(sorted),
    median: quantileSorted(sorted, 0.5),
    p10: quantileSorted(sorted, 0.1),
    p90: quantileSorted(sorted, 0.9),
  };
}
