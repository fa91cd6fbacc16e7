import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { fromFloat16, roundToFloat16, toFloat16 } from './float16';

/** The value of a half bit pattern, by the IEEE formula (independent of the decoder under test). */
function halfValue(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 31) return m ? NaN : sign * Infinity;
  if (e === 0) return sign * m * 2 ** -24;
  return sign * (1024 + m) * 2 ** (e - 25);
}

/** All non-negative finite halves in increasing order: bits 0x0000..0x7bff. */
const POSITIVE = Array.from({ length: 0x7c00 }, (_, h) => halfValue(h));

/** Reference encoder: the nearest half by search, ties to the even bit pattern, from 65520 up to Infinity. */
function nearestHalf(x: number): number {
  if (Number.isNaN(x)) return 0x7e00;
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  if (a >= 65520) return sign | 0x7c00;
  let lo = 0;
  let hi = POSITIVE.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (POSITIVE[mid] <= a) lo = mid;
    else hi = mid;
  }
  const dLo = a - POSITIVE[lo];
  const dHi = POSITIVE[hi] - a;
  const h = dLo < dHi ? lo : dHi < dLo ? hi : lo % 2 === 0 ? lo : hi;
  return sign | h;
}

const u32 = (x: number) => new Uint32Array(Float32Array.of(x).buffer)[0];

describe('toFloat16', () => {
  it.each([
    [1, 0x3c00],
    [65504, 0x7bff],
    [65519.99609375, 0x7bff], // just under the midpoint to Infinity
    [65520, 0x7c00], // the midpoint: ties to even, which is Infinity
    [1e6, 0x7c00],
    [-65520, 0xfc00],
    [6e-8, 0x0001], // subnormal: 6e-8 / 2^-24 = 1.007
    [2 ** -24, 0x0001],
    [2 ** -25, 0x0000], // exactly half the smallest subnormal: ties to even (0)
    [2 ** -25 * 1.0000001, 0x0001],
    [-6e-8, 0x8001],
    [3 * 2 ** -25, 0x0002], // 1.5 units: ties to even (2)
    [2 ** -14, 0x0400], // smallest normal
    [2 ** -14 - 2 ** -25, 0x0400], // rounds up out of the subnormals
    [0.1, 0x2e66],
    [1 / 3, 0x3555],
    [2049, 0x6800], // tie between 2048 and 2050: even mantissa (2048)
    [2051, 0x6802], // tie between 2050 and 2052: even mantissa (2052)
    [0, 0x0000],
    [-0, 0x8000],
    [Infinity, 0x7c00],
    [-Infinity, 0xfc00],
    [NaN, 0x7e00],
  ])('%f -> 0x%s', (x, h) => {
    expect(toFloat16(Float32Array.of(x))[0]).toBe(h);
  });

  it('keeps a NaN a NaN with its sign, as NumPy does', () => {
    const nans = new Float32Array(new Uint32Array([0xffc00000, 0x7f800001, 0x7fffffff, 0xff802000]).buffer);
    expect(Array.from(toFloat16(nans))).toEqual([0xfe00, 0x7c01, 0x7fff, 0xfc01]);
  });

  it('round-trips every finite half exactly', () => {
    const all = Uint16Array.from({ length: 65536 }, (_, h) => h).filter((h) => (h & 0x7c00) !== 0x7c00);
    expect(Array.from(toFloat16(fromFloat16(all)))).toEqual(Array.from(all));
  });

  it('rounds every midpoint between neighbouring halves to the even one, and its neighbours to the nearer', () => {
    const f = new Float32Array(3);
    const fb = new Uint32Array(f.buffer);
    for (let h = 0; h < 0x7bff; h++) {
      const mid = (POSITIVE[h] + POSITIVE[h + 1]) / 2; // exact in float32: 12 significant bits
      f[1] = mid;
      fb[0] = fb[1] - 1;
      fb[2] = fb[1] + 1;
      const got = toFloat16(f);
      expect([got[0], got[1], got[2]]).toEqual([h, h % 2 === 0 ? h : h + 1, h + 1]);
    }
  });

  it('agrees with the nearest-half search on arbitrary float32 values', () => {
    fc.assert(
      fc.property(fc.oneof(fc.float(), fc.float({ min: -70000, max: 70000 }), fc.float({ min: Math.fround(-1e-4), max: Math.fround(1e-4) })), (x) => {
        const got = toFloat16(Float32Array.of(x))[0];
        if (Number.isNaN(x)) expect((got & 0x7c00) === 0x7c00 && (got & 0x3ff) !== 0).toBe(true);
        else expect(got).toBe(nearestHalf(x));
      }),
      { numRuns: 5000 },
    );
  });

  it('does not touch its input and reads views at an offset', () => {
    const whole = Float32Array.of(9, 1.5, -2, 9);
    const view = whole.subarray(1, 3);
    expect(Array.from(toFloat16(view))).toEqual([0x3e00, 0xc000]);
    expect(Array.from(whole)).toEqual([9, 1.5, -2, 9]);
  });
});

describe('fromFloat16 matches the stock TF.js loader bit for bit', () => {
  beforeAll(async () => {
    tf.env().set('IS_TEST', true);
    await tf.setBackend('cpu');
  });

  it('for all 65,536 half bit patterns, NaN payloads included', () => {
    const all = Uint16Array.from({ length: 65536 }, (_, h) => h);
    const spec = { name: 'w', shape: [65536], dtype: 'float32' as const, quantization: { dtype: 'float16' as const } };
    const t = tf.io.decodeWeights(all.slice().buffer as ArrayBuffer, [spec]).w;
    const stock = new Uint32Array((t.dataSync() as Float32Array).slice().buffer);
    t.dispose();
    const ours = new Uint32Array(fromFloat16(all).buffer);
    expect(Buffer.from(ours.buffer).equals(Buffer.from(stock.buffer))).toBe(true);
    for (let h = 0; h < 65536; h++) {
      const v = halfValue(h);
      if (!Number.isNaN(v)) expect(ours[h]).toBe(u32(v));
    }
  });

  it('roundToFloat16 keeps values within half a half-precision step', () => {
    fc.assert(
      fc.property(fc.float({ min: -65000, max: 65000, noNaN: true }), (x) => {
        const y = roundToFloat16(Float32Array.of(x))[0];
        const a = Math.abs(x);
        const step = a < 2 ** -14 ? 2 ** -24 : 2 ** (Math.floor(Math.log2(a)) - 10);
        expect(Math.abs(y - x)).toBeLessThanOrEqual(step / 2 + 1e-30);
      }),
      { numRuns: 2000 },
    );
  });
});
