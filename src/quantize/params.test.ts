import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { isPareError } from '../errors';
import { quantizeAffine } from './affine';
import { affineParams, dequantizeAffine, roundHalfEven } from './params';

/** NumPy's np.round: half to even, written differently from the kernel's (floor and compare). */
function pyRound(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d < 0.5) return f;
  if (d > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
}

/**
 * tensorflowjs_converter's quantize_weights + _get_affine_quantization_range, line by line in float64 (as NumPy >= 2
 * evaluates them for float32 data), plus Pare's documented choices for what NumPy cannot do: non-finite values are
 * left out of min/max, NaN gets the code nearest 0, and a -0 min is written as +0.
 */
function converter(data: Float32Array, bits: number): { codes: number[]; scale: number; min: number } {
  const finite = Array.from(data).filter(Number.isFinite);
  let minVal = finite.length ? finite.reduce((a, b) => (b < a ? b : a)) : 0;
  let maxVal = finite.length ? finite.reduce((a, b) => (b > a ? b : a)) : 0;
  minVal += 0;
  maxVal += 0;
  if (minVal === maxVal) return { codes: Array.from(data, () => 0), scale: 1.0, min: minVal };
  const quantMax = 2 ** bits - 1;
  const scale = (maxVal - minVal) / quantMax;
  let nudgedMin = minVal;
  let nudgedMax = maxVal;
  if (minVal <= 0 && 0 <= maxVal) {
    const quantizedZeroPoint = (0 - minVal) / scale;
    const nudgedZeroPoint = pyRound(quantizedZeroPoint);
    nudgedMin = -nudgedZeroPoint * scale + 0;
    nudgedMax = quantMax * scale + nudgedMin;
  }
  const clip = (v: number) => Math.min(Math.max(v, nudgedMin), nudgedMax);
  const codes = Array.from(data, (v) => (Number.isNaN(v) ? pyRound((clip(0) - nudgedMin) / scale) : pyRound((clip(v) - nudgedMin) / scale)));
  return { codes, scale, min: nudgedMin };
}

const f32 = (...xs: number[]) => Float32Array.from(xs);
let seed = 7;
const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
const normal = (n: number, sd: number) =>
  Float32Array.from({ length: n }, () => sd * Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand()));

const table: [string, Float32Array][] = [
  ['all positive', f32(0.5, 1.25, 3.75, 2.0, 0.7)],
  ['all negative', f32(-3, -0.001, -1.5, -2.25)],
  ['constant', f32(0.3, 0.3, 0.3)],
  ['constant zero', f32(0, -0, 0)],
  ['constant negative', f32(-7.5, -7.5)],
  ['containing zeros', f32(-1, 0, 0, 2.5, 0.3, 0)],
  ['min exactly 0', f32(0, 1, 2, 0.001)],
  ['max exactly 0', f32(-2, -1, 0, -0.001)],
  ['zero point on a tie', f32(-1, 0, 1)],
  ['zero point on an exact half rounds to even (2.5 -> 2 at 2 bits)', f32(-5, 1, 0, -2)],
  ['half-step ties (2 bits: scale 1)', f32(0, 0.5, 1.5, 2.5, 3)],
  ['tiny positive range', f32(1e-8, 2e-8, 1.5e-8, 1.25e-8)],
  ['tiny range around 0', f32(-1e-8, 0, 1e-8, 3e-9)],
  ['subnormal float32 values', f32(1e-45, -3e-44, 0, 1e-40)],
  ['huge values', f32(-3.4e38, 3.4e38, 0, 1e30)],
  ['huge positive', f32(1e38, 3e38, 2.5e38)],
  ['float16 edges', f32(65504, 65520, 6e-8, -6e-8, 0, 2.98e-8)],
  ['-0 among values', f32(-0, 1, -1, 0.25)],
  ['NaN and Infinity', f32(NaN, 1, -2, Infinity, -Infinity, 0, 0.5)],
  ['NaN without 0 in range', f32(NaN, 1, 2, 3)],
  ['only non-finite', f32(NaN, Infinity)],
  ['empty', f32()],
  ['normal weights', normal(2000, 0.05)],
  ['skewed weights', Float32Array.from(normal(2000, 0.1), (v) => v * v - 0.001)],
];

describe('affine quantization is bit-exact against the converter formula', () => {
  for (const bits of [2, 3, 4, 8, 12, 16]) {
    it.each(table)(`%s at ${bits} bits`, (_name, data) => {
      const want = converter(data, bits);
      const got = quantizeAffine(data, bits);
      expect(got.scale).toBe(want.scale);
      expect(got.min).toBe(want.min);
      expect(Array.from(got.codes)).toEqual(want.codes);
      expect(got.dtype).toBe(bits <= 8 ? 'uint8' : 'uint16');
      expect(got.codes).toBeInstanceOf(bits <= 8 ? Uint8Array : Uint16Array);
      expect(Math.max(0, ...got.codes)).toBeLessThanOrEqual(2 ** bits - 1);
    });
  }

  it("matches the converter's own documented example: [0, -0.1, 1.2] -> [20, 0, 255]", () => {
    // quantized_entry in tfjs-converter write_weights.py's _quantize_entry docstring.
    const q = quantizeAffine(f32(0, -0.1, 1.2), 8);
    expect(Array.from(q.codes)).toEqual([20, 0, 255]);
    expect(q.min).toBeCloseTo(-0.10196078817, 10);
    expect(q.scale).toBeCloseTo(0.00509803940852, 13);
  });

  it('agrees with the formula on arbitrary float32 data and bit depths', () => {
    const value = fc.oneof(fc.float({ noNaN: true, noDefaultInfinity: true }), fc.float({ min: -2, max: 2, noNaN: true }));
    fc.assert(
      fc.property(fc.array(value, { maxLength: 100 }), fc.integer({ min: 2, max: 16 }), (xs, bits) => {
        const data = Float32Array.from(xs);
        const want = converter(data, bits);
        const got = quantizeAffine(data, bits);
        expect([got.scale, got.min]).toEqual([want.scale, want.min]);
        expect(Array.from(got.codes)).toEqual(want.codes);
      }),
      { numRuns: 500 },
    );
  });

  it('rejects bit depths outside 2..16', () => {
    for (const bits of [1, 17, 8.5, NaN]) {
      expect(() => quantizeAffine(f32(1, 2), bits)).toThrow(/bits must be an integer from 2 to 16/);
      try {
        affineParams(0, 1, bits);
      } catch (e) {
        expect(isPareError(e)).toBe(true);
      }
    }
  });

  it('rounds half to even like NumPy', () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, 3.4999999, 2 ** 53].map(roundHalfEven)).toEqual([0, 2, 2, -0, -2, 3, 2 ** 53]);
  });
});

describe('dequantizeAffine matches the stock TF.js loader bit for bit', () => {
  beforeAll(async () => {
    tf.env().set('IS_TEST', true); // no tfjs-node hint
    await tf.setBackend('cpu');
  });

  /** Decodes with tf.io.decodeWeights, the function tf.loadGraphModel / tf.loadLayersModel use. */
  function stockDecode(codes: Uint8Array | Uint16Array, scale: number, min: number): Float32Array {
    const dtype: 'uint8' | 'uint16' = codes instanceof Uint8Array ? 'uint8' : 'uint16';
    const buffer = codes.slice().buffer as ArrayBuffer;
    const spec = { name: 'w', shape: [codes.length], dtype: 'float32' as const, quantization: { dtype, scale, min } };
    const t = tf.io.decodeWeights(buffer, [spec]).w;
    const out = t.dataSync() as Float32Array;
    t.dispose();
    return out;
  }

  const sameBits = (a: Float32Array, b: Float32Array) =>
    Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

  it('for every uint8 code and for uint16 codes, small and table-sized tensors alike', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-12, max: 1e3, noNaN: true }),
        fc.double({ min: -1e3, max: 1e3, noNaN: true }),
        fc.boolean(),
        (scale, min, wide) => {
          const codes = wide
            ? Uint16Array.from({ length: 70000 }, (_, i) => (i * 7919) % 65536)
            : Uint8Array.from({ length: 300 }, (_, i) => i % 256);
          expect(sameBits(dequantizeAffine(codes, scale, min), stockDecode(codes, scale, min))).toBe(true);
          const few = codes.subarray(0, 50);
          const fewCopy = few instanceof Uint8Array ? Uint8Array.from(few) : Uint16Array.from(few);
          expect(sameBits(dequantizeAffine(fewCopy, scale, min), stockDecode(fewCopy, scale, min))).toBe(true);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('for what quantizeAffine produces on the table above', () => {
    for (const [, data] of table) {
      for (const bits of [4, 8, 16]) {
        const q = quantizeAffine(data, bits);
        expect(sameBits(dequantizeAffine(q.codes, q.scale, q.min), stockDecode(q.codes, q.scale, q.min))).toBe(true);
      }
    }
  });
});
