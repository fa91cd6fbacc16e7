import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sortKeys } from './radix-sort';

describe('sortKeys', () => {
  it('sorts non-negative int32 keys as a comparison sort does, in place', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: 0, max: 0x7fffffff }), fc.integer({ min: 0, max: 40 }), fc.constantFrom(0x7f800000, 0x7fc00000, 0x3f800000)), { maxLength: 3000 }), (xs) => {
        const keys = Int32Array.from(xs);
        const got = sortKeys(keys);
        expect(got).toBe(keys);
        expect([...got]).toEqual([...xs].sort((a, b) => a - b));
      }),
      { numRuns: 500 },
    );
  });

  it('sorts keys that differ only in one digit, and a large array', () => {
    for (const shift of [0, 11, 22, 30]) {
      const xs = [3, 1, 2, 0].map((d) => (d << shift) >>> 0 & 0x7fffffff);
      expect([...sortKeys(Int32Array.from(xs))]).toEqual([...xs].sort((a, b) => a - b));
    }
    const big = Int32Array.from({ length: 65536 }, (_, i) => Math.imul(i, 2654435761) & 0x7fffffff);
    const want = [...big].sort((a, b) => a - b);
    expect([...sortKeys(big)]).toEqual(want);
  });
});
