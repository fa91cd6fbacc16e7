import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allZeros, countZeros, firstLostZero } from './zeros';

const naiveZeros = (v: ArrayLike<number>) => Array.from(v).filter((x) => x === 0).length;

describe('countZeros', () => {
  it('counts +0 and -0 as zero, and NaN, subnormals and infinities as not', () => {
    expect(countZeros(Float32Array.of(0, -0, 1.5, NaN, Infinity, -Infinity, 1e-45, -1e-45, 0))).toBe(3);
    expect(countZeros(Int32Array.of(0, -1, 1, -2147483648, 2147483647, 0))).toBe(2);
    expect(countZeros(Uint8Array.of(0, 1, 255, 128, 0, 0))).toBe(3);
    expect(countZeros(new Float32Array(0))).toBe(0);
  });

  it('agrees with values[i] === 0 on any float32, int32 or bool array, views at an offset included', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constant(0), fc.constant(-0), fc.float())), fc.nat(3), (xs, skip) => {
        const all = Float32Array.from([...Array(skip).fill(1), ...xs]);
        const view = all.subarray(skip);
        expect(countZeros(view)).toBe(naiveZeros(view));
      }),
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constant(0), fc.integer())), (xs) => {
        expect(countZeros(Int32Array.from(xs))).toBe(naiveZeros(xs));
      }),
    );
    fc.assert(
      fc.property(fc.uint8Array(), (xs) => {
        expect(countZeros(xs)).toBe(naiveZeros(xs));
      }),
    );
  });
});

describe('firstLostZero', () => {
  it('finds the first zero that became non-zero; a zero that turned into -0 is kept', () => {
    expect(firstLostZero(Float32Array.of(0, 1, 0, 0), Float32Array.of(-0, 5, 0, 0))).toBe(-1);
    expect(firstLostZero(Float32Array.of(0, 1, 0, 0), Float32Array.of(0, 0, 1e-3, 2))).toBe(2);
    expect(firstLostZero(Float32Array.of(1, 2), Float32Array.of(0, 0))).toBe(-1);
  });

  it('agrees with the plain loop', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.oneof(fc.constant(0), fc.float()), fc.oneof(fc.constant(0), fc.float()))), (pairs) => {
        const before = Float32Array.from(pairs.map((p) => p[0]));
        const after = Float32Array.from(pairs.map((p) => p[1]));
        const plain = pairs.findIndex((_, i) => before[i] === 0 && after[i] !== 0);
        expect(firstLostZero(before, after)).toBe(plain);
      }),
    );
  });
});

describe('allZeros', () => {
  it('agrees with countZeros(v) === v.length, views at an offset included', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constant(0), fc.constant(-0), fc.float())), fc.nat(3), (xs, skip) => {
        const all = Float32Array.from([...Array(skip).fill(1), ...xs]);
        const view = all.subarray(skip);
        expect(allZeros(view)).toBe(countZeros(view) === view.length);
      }),
    );
    expect(allZeros(Float32Array.of(0, -0, 0))).toBe(true);
    expect(allZeros(Float32Array.of(0, -0, 1e-45))).toBe(false);
    expect(allZeros(Float32Array.of(NaN))).toBe(false);
    expect(allZeros(new Float32Array(0))).toBe(true);
  });
});
