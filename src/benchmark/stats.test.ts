import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PareError } from '../errors';
import { mean, quantile, summarize } from './stats';

describe('quantile (numpy linear)', () => {
  // Values from np.percentile(x, q) by hand: h = (n - 1) q.
  it.each([
    [[1, 2, 3, 4], 0.1, 1.3], // h = 0.3: 1 + 0.3 * 1
    [[1, 2, 3, 4], 0.5, 2.5], // h = 1.5
    [[1, 2, 3, 4], 0.9, 3.7], // h = 2.7
    [[10, 20, 30, 40, 50], 0.9, 46], // h = 3.6: 40 + 0.6 * 10
    [[10, 20, 30, 40, 50], 0.5, 30],
    [[7], 0.9, 7],
    [[3, 1, 2], 0, 1],
    [[3, 1, 2], 1, 3],
  ])('quantile(%j, %d) = %d', (xs, q, expected) => {
    expect(quantile(xs, q)).toBeCloseTo(expected, 12);
  });

  it('does not reorder its input', () => {
    const xs = [3, 1, 2];
    quantile(xs, 0.5);
    expect(xs).toEqual([3, 1, 2]);
  });

  it('lies between min and max and grows with q', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 50 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (xs, a, b) => {
        const [q1, q2] = a <= b ? [a, b] : [b, a];
        const v1 = quantile(xs, q1);
        const v2 = quantile(xs, q2);
        expect(v1).toBeGreaterThanOrEqual(Math.min(...xs));
        expect(v2).toBeLessThanOrEqual(Math.max(...xs));
        expect(v2).toBeGreaterThanOrEqual(v1 - 1e-9 * Math.max(1, Math.abs(v1)));
      }),
    );
  });

  it('refuses no values and q outside [0, 1]', () => {
    expect(() => quantile([], 0.5)).toThrow(PareError);
    expect(() => quantile([1], 1.5)).toThrow('A quantile is taken at q in [0, 1]; got 1.5.');
  });
});

describe('summarize', () => {
  it('gives median, p10, p90, mean, min and max', () => {
    expect(summarize([5, 1, 4, 2, 3])).toEqual({ count: 5, min: 1, max: 5, mean: 3, median: 3, p10: 1.4, p90: 4.6 });
    expect(mean([1, 2])).toBe(1.5);
  });
});
