import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bitsOf, keyOf, kthSmallestKey, valueOfKey } from './select';

/** Reference: sort all keys, pick the k-th. */
function sortedKeys(arrays: Float32Array[], order: 'magnitude' | 'signed'): number[] {
  const keys: number[] = [];
  for (const a of arrays) for (const b of bitsOf(a)) keys.push(keyOf(b, order));
  return keys.sort((x, y) => x - y);
}

const special = [0, -0, 1, -1, 0.5, -0.5, 1e-40, -1e-40, 3.4028234663852886e38, Infinity, -Infinity, NaN];
const value = fc.oneof(
  fc.float({ noNaN: false }),
  fc.constantFrom(...special),
  fc.integer({ min: -3, max: 3 }).map((i) => i / 4),
);
const arrays = fc.array(fc.array(value, { maxLength: 60 }).map((v) => Float32Array.from(v)), {
  minLength: 1,
  maxLength: 4,
});

describe('kthSmallestKey', () => {
  for (const order of ['magnitude', 'signed'] as const) {
    it(`agrees with sorting for every rank (${order})`, () => {
      fc.assert(
        fc.property(arrays, (arrs) => {
          const keys = sortedKeys(arrs, order);
          const views = arrs.map(bitsOf);
          for (let k = 1; k <= keys.length; k++) {
            const r = kthSmallestKey(views, k, order);
            expect(r.key).toBe(keys[k - 1]);
            expect(r.below).toBe(keys.indexOf(keys[k - 1]));
          }
        }),
        { numRuns: 150 },
      );
    });
  }

  it('agrees with sorting on large inputs with ties, zeros and NaN', () => {
    let seed = 3;
    const rand = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    const kinds: Record<string, () => number> = {
      normal: () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(6.283185307179586 * rand()),
      'half zeros': () => (rand() < 0.5 ? 0 : rand() - 0.5),
      'few values': () => Math.round(rand() * 6) / 4,
      'with NaN': () => (rand() < 0.01 ? NaN : rand() * 100 - 50),
    };
    for (const [name, gen] of Object.entries(kinds)) {
      const arrs = [7000, 1, 0, 13000].map((n) => Float32Array.from({ length: n }, gen));
      const views = arrs.map(bitsOf);
      for (const order of ['magnitude', 'signed'] as const) {
        const keys = sortedKeys(arrs, order);
        for (const k of [1, 2, 500, 10000, 10001, 14999, keys.length]) {
          const r = kthSmallestKey(views, k, order);
          expect(r.key, `${name} ${order} k=${k}`).toBe(keys[k - 1]);
          expect(r.below, `${name} ${order} k=${k}`).toBe(keys.indexOf(keys[k - 1]));
        }
      }
    }
  });

  it('orders magnitudes and signed values as numbers do', () => {
    const xs = [-Infinity, -2, -1e-40, -0, 0, 1e-40, 0.25, 3, Infinity];
    const signed = xs.map((x) => keyOf(bitsOf(Float32Array.of(x))[0], 'signed'));
    for (let i = 1; i < signed.length; i++) expect(signed[i]).toBeGreaterThan(signed[i - 1]);
    const mags = [0, 1e-40, 0.25, 3, Infinity].map((x) => keyOf(bitsOf(Float32Array.of(-x))[0], 'magnitude'));
    for (let i = 1; i < mags.length; i++) expect(mags[i]).toBeGreaterThan(mags[i - 1]);
    expect(keyOf(bitsOf(Float32Array.of(NaN))[0], 'magnitude')).toBeGreaterThan(mags[mags.length - 1]);
  });

  it('maps keys back to values', () => {
    for (const x of [-3.5, Math.fround(-1e-40), 0, 2.75, Infinity, -Infinity]) {
      const b = bitsOf(Float32Array.of(x))[0];
      expect(valueOfKey(keyOf(b, 'signed'), 'signed')).toBe(x);
      expect(valueOfKey(keyOf(b, 'magnitude'), 'magnitude')).toBe(Math.abs(x));
    }
  });

  it('rejects ranks outside the data', () => {
    const v = [bitsOf(Float32Array.of(1, 2, 3))];
    expect(() => kthSmallestKey(v, 0, 'signed')).toThrow(RangeError);
    expect(() => kthSmallestKey(v, 4, 'signed')).toThrow(RangeError);
  });

  it('works on views that do not start at the beginning of their buffer', () => {
    const whole = Float32Array.of(100, 5, -7, 1, 200);
    const part = whole.subarray(1, 4); // 5, -7, 1
    expect(valueOfKey(kthSmallestKey([bitsOf(part)], 3, 'magnitude').key, 'magnitude')).toBe(7);
    expect(valueOfKey(kthSmallestKey([bitsOf(part)], 1, 'signed').key, 'signed')).toBe(-7);
  });
});
