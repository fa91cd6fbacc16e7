import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { affineParams, dequantizeAffine, encodeAffine } from './params';
import { quantizeAffine } from './affine';
import { storedZeros, zeroLevels } from './stored-zeros';

/** The facts the slow way: decode every code, then compare value by value. */
function reference(before: Float32Array, codes: Uint8Array | Uint16Array, scale: number, min: number) {
  const after = dequantizeAffine(codes, scale, min);
  let zerosBefore = 0;
  let zerosStored = 0;
  let firstLost = -1;
  for (let i = 0; i < before.length; i++) {
    if (before[i] === 0) zerosBefore++;
    if (after[i] === 0) zerosStored++;
    if (before[i] === 0 && after[i] !== 0 && firstLost < 0) firstLost = i;
  }
  return { before: zerosBefore, stored: zerosStored, firstLost };
}

/** Floats with the cases bit tricks get wrong: ±0, subnormals, NaN, ±Infinity, values on half steps. */
const awkward = fc.oneof(
  { weight: 4, arbitrary: fc.float({ noDefaultInfinity: true, noNaN: true, min: -2, max: 2 }) },
  { weight: 3, arbitrary: fc.constantFrom(0, -0) },
  { weight: 1, arbitrary: fc.constantFrom(1e-45, -1e-45, 1.1754942e-38, NaN, Infinity, -Infinity, 0.5, -0.5, 2 ** -126) },
);

describe('storedZeros', () => {
  it('agrees with decoding every code, for codes of real quantization (8 and 16 bits, long and short tensors)', () => {
    fc.assert(
      fc.property(fc.array(awkward, { maxLength: 400 }), fc.constantFrom(2, 4, 8, 9, 16), fc.nat(300), (xs, bits, pad) => {
        // Padding past 256 values takes the 8-bit table path; short arrays take the direct one.
        const values = Float32Array.from([...xs, ...Array<number>(pad).fill(0.25)]);
        const q = quantizeAffine(values, bits);
        expect(storedZeros(values, q.codes, q.scale, q.min)).toEqual(reference(values, q.codes, q.scale, q.min));
      }),
      { numRuns: 300 },
    );
  });

  it('finds the first zero lost, for any codes, scale and min (also codes no kernel would write)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(awkward, fc.nat(65535)), { minLength: 1, maxLength: 300 }),
        fc.double({ min: 1e-6, max: 2, noNaN: true }),
        fc.double({ min: -2, max: 2, noNaN: true }),
        fc.boolean(),
        (pairs, scale, min, wide) => {
          const before = Float32Array.from(pairs.map((p) => p[0]));
          const raw = pairs.map((p) => (wide ? p[1] : p[1] & 255));
          const codes = wide ? Uint16Array.from(raw) : Uint8Array.from(raw);
          expect(storedZeros(before, codes, scale, min)).toEqual(reference(before, codes, scale, min));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('on a long pruned tensor (table path): counts, and the index of a zero that a wrong code loses', () => {
    const n = 100_000;
    const values = new Float32Array(n);
    for (let i = 0; i < n; i++) values[i] = i % 3 === 0 ? 0 : i % 3 === 1 ? -0 : Math.sin(i);
    const p = affineParams(-1, 1, 8);
    const codes = encodeAffine(values, p, false) as Uint8Array;
    const right = storedZeros(values, codes, p.scale, p.min);
    expect(right).toEqual(reference(values, codes, p.scale, p.min));
    expect(right.firstLost).toBe(-1);
    expect(right.before).toBe(Math.ceil((2 * n) / 3));
    const wrong = codes.slice();
    wrong[30_001] = wrong[30_001]! + 1; // 30,001 % 3 === 1: a -0 before storage
    expect(storedZeros(values, wrong, p.scale, p.min).firstLost).toBe(30_001);
    const p16 = affineParams(-1, 1, 16);
    const codes16 = encodeAffine(values, p16, false) as Uint16Array;
    expect(storedZeros(values, codes16, p16.scale, p16.min)).toEqual(reference(values, codes16, p16.scale, p16.min));
    codes16[99_999] = 1; // 99,999 % 3 === 0: a +0 before storage
    expect(storedZeros(values, codes16, p16.scale, p16.min).firstLost).toBe(99_999);
  });

  it('views at an offset read their own values', () => {
    const all = Float32Array.of(1, 0, 0, 2);
    const view = all.subarray(1);
    const q = quantizeAffine(view, 8);
    expect(storedZeros(view, q.codes, q.scale, q.min)).toEqual({ before: 2, stored: 2, firstLost: -1 });
  });
});

describe('zeroLevels', () => {
  it('marks exactly the levels that decode to ±0 in float32', () => {
    expect([...zeroLevels(0.5, -1, 8)].flatMap((z, c) => (z ? [c] : []))).toEqual([2]);
    // A tiny scale rounds several levels to zero in float32: each is marked.
    expect([...zeroLevels(1e-46, 0, 8)].flatMap((z, c) => (z ? [c] : []))).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(zeroLevels(1, 0.25, 16).reduce((a, b) => a + b, 0)).toBe(0);
  });
});
