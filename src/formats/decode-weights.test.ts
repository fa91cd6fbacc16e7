import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeWeightValues, countNonFinite } from './decode-weights';
import { fromFloat16 } from '../quantize';

/** IEEE 754 half precision by its definition, independent of the table method. */
function halfByDefinition(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (mant / 1024);
  if (exp === 31) return mant ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + mant / 1024);
}

describe('fromFloat16 (the decoder weights are read with)', () => {
  it('decodes all 65,536 half-precision codes to their exact values', () => {
    const codes = Uint16Array.from({ length: 65536 }, (_, i) => i);
    const values = fromFloat16(codes);
    const wrong: string[] = [];
    for (let h = 0; h < 65536; h++) {
      const expected = halfByDefinition(h);
      const ok = Number.isNaN(expected) ? Number.isNaN(values[h]) : Object.is(values[h], expected);
      if (!ok) wrong.push(`0x${h.toString(16)}: ${values[h]} instead of ${expected}`);
    }
    expect(wrong.slice(0, 5)).toEqual([]);
  });
});

describe('decodeWeightValues', () => {
  it('uint8 affine: code * scale + min, rounded to float32', () => {
    const v = decodeWeightValues(
      { name: 'w', shape: [3], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.1, min: -1 } },
      new Uint8Array([0, 10, 255]),
    );
    expect(v).toBeInstanceOf(Float32Array);
    expect(Array.from(v)).toEqual([-1, Math.fround(10 * 0.1 - 1), Math.fround(255 * 0.1 - 1)]);
  });

  it('uint16 affine reads little-endian codes at odd offsets', () => {
    const bytes = new Uint8Array([99, 0x01, 0x02, 0xff, 0xff]).subarray(1); // codes 0x0201 and 0xffff
    const v = decodeWeightValues({ name: 'w', shape: [2], dtype: 'float32', quantization: { dtype: 'uint16', scale: 2, min: 1 } }, bytes);
    expect(Array.from(v)).toEqual([0x0201 * 2 + 1, 0xffff * 2 + 1]);
  });

  it('quantized int32 weights are rounded to integers', () => {
    const v = decodeWeightValues({ name: 'i', shape: [3], dtype: 'int32', quantization: { dtype: 'uint8', scale: 0.5, min: -1 } }, new Uint8Array([0, 3, 4]));
    expect(v).toBeInstanceOf(Int32Array);
    expect(Array.from(v)).toEqual([-1, 1, 1]); // -1 + 1.5 = 0.5 rounds up to 1, as Math.round does in the stock loader
  });

  it('float32, int32 and bool are copied, never aliased to the shard', () => {
    const f = new Float32Array([1.5, -2]);
    const bytes = new Uint8Array(f.buffer);
    const v = decodeWeightValues({ name: 'f', shape: [2], dtype: 'float32' }, bytes);
    bytes[0] = 7;
    expect(Array.from(v)).toEqual([1.5, -2]);
    expect(decodeWeightValues({ name: 'i', shape: [1], dtype: 'int32' }, new Uint8Array(new Int32Array([-3]).buffer))).toEqual(new Int32Array([-3]));
    expect(decodeWeightValues({ name: 'b', shape: [2], dtype: 'bool' }, new Uint8Array([1, 0]))).toEqual(new Uint8Array([1, 0]));
  });

  it('counts NaN and infinities', () => {
    expect(countNonFinite(new Float32Array([0, NaN, Infinity, -Infinity, 1]))).toBe(3);
    expect(countNonFinite(new Int32Array([1, 2]))).toBe(0);
  });

  it('counts as !Number.isFinite does on any bits (every NaN payload, both signs, subnormals, the largest float)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer()), fc.nat(2), (words, skip) => {
        const all = new Float32Array(Int32Array.from([...Array<number>(skip).fill(0x7f800000), ...words]).buffer);
        const view = all.subarray(skip);
        expect(countNonFinite(view)).toBe(Array.from(view).filter((x) => !Number.isFinite(x)).length);
      }),
    );
    const edges = Int32Array.of(0x7f7fffff, 0xff7fffff | 0, 0x7f800000, 0xff800000 | 0, 0x7f800001, 0xffffffff | 0, 1, 0x80000000 | 0);
    expect(countNonFinite(new Float32Array(edges.buffer))).toBe(4);
  });
});
