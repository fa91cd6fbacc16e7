import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPareError } from '../errors';
import { quantizeAffine } from './affine';
import { dequantizeAffine } from './params';
import { chooseRange, exactMse, percentileRange, type ClipMethod } from './range';
import { float32Of, hasFixture, readRealWeights } from './real-weights.testutil';

/** Reconstruction MSE measured the plain way: quantize, decode as the loader does, compare. */
function measuredMse(w: Float32Array, bits: number, clip: ClipMethod): number {
  const q = quantizeAffine(w, bits, { clip });
  const d = dequantizeAffine(q.codes, q.scale, q.min);
  let s = 0;
  for (let i = 0; i < w.length; i++) s += (d[i] - w[i]) ** 2;
  return s / w.length;
}

let seed = 99;
const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
const laplace = (n: number, b: number) =>
  Float32Array.from({ length: n }, () => {
    const u = rand() - 0.5;
    return -b * Math.sign(u) * Math.log(1 - 2 * Math.abs(u) + 1e-12);
  });

describe('percentileRange', () => {
  it('picks the same order statistics as sorting', () => {
    fc.assert(
      fc.property(
        fc.array(fc.float({ noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 300 }),
        fc.double({ min: 50, max: 100, noNaN: true }),
        (xs, p) => {
          const w = Float32Array.from(xs);
          const sorted = Array.from(w).sort((a, b) => a - b);
          const m = sorted.length;
          const r = percentileRange(w, p);
          expect(r.min).toBe(sorted[Math.floor((1 - p / 100) * (m - 1))] + 0);
          expect(r.max).toBe(sorted[Math.ceil((p / 100) * (m - 1))] + 0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('ignores non-finite values and is min/max at 100', () => {
    const w = Float32Array.of(NaN, 3, -Infinity, -2, 1, Infinity);
    expect(percentileRange(w, 100, 3)).toEqual({ min: -2, max: 3 });
    expect(chooseRange(w, 8, { clip: 'percentile', percentile: 100 })).toEqual({ min: -2, max: 3 });
  });

  it('clips the outliers of a large tensor', () => {
    const w = laplace(100_000, 0.02);
    w[5] = 40; // an outlier far outside
    const r = percentileRange(w, 99.99);
    expect(r.max).toBeLessThan(1);
    expect(r.min).toBeGreaterThan(-1);
  });

  it('rejects percentiles outside 50..100', () => {
    for (const p of [10, 101, NaN]) {
      expect(() => percentileRange(Float32Array.of(1, 2), p)).toThrow(/percentile must be a number from 50 to 100/);
    }
  });
});

describe('mse range', () => {
  it('is never worse than min/max, measured exactly', () => {
    const data = fc.array(
      fc.oneof({ weight: 9, arbitrary: fc.float({ min: -1, max: 1, noNaN: true }) }, { weight: 1, arbitrary: fc.float({ min: -100, max: 100, noNaN: true }) }),
      { minLength: 2, maxLength: 400 },
    );
    fc.assert(
      fc.property(data, fc.integer({ min: 2, max: 16 }), (xs, bits) => {
        const w = Float32Array.from(xs);
        expect(measuredMse(w, bits, 'mse')).toBeLessThanOrEqual(measuredMse(w, bits, 'minmax'));
      }),
      { numRuns: 200 },
    );
  });

  it('agrees with the plain measurement in exactMse', () => {
    const w = laplace(5000, 0.1);
    for (const bits of [3, 8]) {
      const r = chooseRange(w, bits, { clip: 'mse' });
      expect(exactMse(w, r, bits)).toBeCloseTo(measuredMse(w, bits, 'mse'), 15);
    }
  });

  it('saves most of the error on heavy-tailed weights at 4 bits', () => {
    const w = laplace(50_000, 0.05);
    const minmax = measuredMse(w, 4, 'minmax');
    const mse = measuredMse(w, 4, 'mse');
    expect(mse).toBeLessThan(minmax * 0.5);
  });

  it('rejects an unknown clip method', () => {
    try {
      chooseRange(Float32Array.of(1, 2), 8, { clip: 'best' as ClipMethod });
      expect.unreachable();
    } catch (e) {
      expect(isPareError(e) && e.code === 'bad-options').toBe(true);
    }
  });
});

describe('clipping on real weights (human-emotion, float32 graph model)', () => {
  const run = hasFixture('human-emotion') ? it : it.skip;

  run('lowers the reconstruction error at 4 and 8 bits, and never raises it with mse', () => {
    const tensors = readRealWeights('human-emotion', 'emotion.json')
      .filter((w) => w.dtype === 'float32' && w.bytes.length / 4 >= 256)
      .map((w) => ({ name: w.name, values: float32Of(w) }));
    expect(tensors.length).toBeGreaterThan(10);
    const lines: string[] = [];
    for (const bits of [4, 8]) {
      const total = { minmax: 0, percentile: 0, mse: 0 };
      let n = 0;
      for (const t of tensors) {
        const e = {
          minmax: measuredMse(t.values, bits, 'minmax'),
          percentile: measuredMse(t.values, bits, 'percentile'),
          mse: measuredMse(t.values, bits, 'mse'),
        };
        expect(e.mse, t.name).toBeLessThanOrEqual(e.minmax);
        for (const k of ['minmax', 'percentile', 'mse'] as const) total[k] += e[k] * t.values.length;
        n += t.values.length;
      }
      const pct = (x: number) => `${((1 - x / total.minmax) * 100).toFixed(1)}%`;
      lines.push(
        `${bits} bits over ${n.toLocaleString('en-US')} weights in ${tensors.length} tensors: MSE minmax ${(total.minmax / n).toExponential(3)}, ` +
          `percentile(99.99) ${(total.percentile / n).toExponential(3)} (saves ${pct(total.percentile)}), ` +
          `mse ${(total.mse / n).toExponential(3)} (saves ${pct(total.mse)})`,
      );
      expect(total.mse).toBeLessThan(total.minmax * (bits === 4 ? 0.8 : 1));
    }
    console.log(lines.join('\n'));
  });
});
