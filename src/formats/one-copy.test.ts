/**
 * Opening keeps one copy of plain weights: float32 / int32 / bool weights at aligned offsets are views into the
 * joined shard buffer (artifacts.weightData), misaligned and quantized ones are decoded into their own arrays
 * when first read, and the dropped files are never aliased.
 */
import { describe, expect, it } from 'vitest';
import { inventoryOf } from '../model/inventory';
import { countNonFinite, countNonFiniteStored, decodeWeightValues } from './decode-weights';
import { openModel } from './index';
import { jsonFile } from './testing/encode';

function modelWith(weights: { name: string; shape: number[]; dtype: string; quantization?: object }[], bytes: Uint8Array) {
  const topology = { node: [{ name: 'x', op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: { dim: [{ size: '1' }] } } } }], versions: { producer: 1 } };
  return [
    jsonFile('m/model.json', { format: 'graph-model', modelTopology: topology, weightsManifest: [{ paths: ['w.bin'], weights }] }),
    { name: 'm/w.bin', data: bytes },
  ];
}

describe('opening keeps one copy of plain weights', () => {
  it('aligned plain weights view the joined buffer; a misaligned one and a quantized one are copies', async () => {
    // a: 2 float32 at 0 (aligned); q: 3 uint8 codes at 8; b: 2 float32 at 11 (misaligned); i: 1 int32 at 19 (misaligned)
    const bytes = new Uint8Array(23);
    const dv = new DataView(bytes.buffer);
    dv.setFloat32(0, 1.5, true);
    dv.setFloat32(4, -2, true);
    bytes.set([0, 1, 2], 8);
    dv.setFloat32(11, 3.25, true);
    dv.setFloat32(15, 0, true);
    dv.setInt32(19, -7, true);
    const files = modelWith(
      [
        { name: 'a', shape: [2], dtype: 'float32' },
        { name: 'q', shape: [3], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.5, min: -1 } },
        { name: 'b', shape: [2], dtype: 'float32' },
        { name: 'i', shape: [1], dtype: 'int32' },
      ],
      bytes,
    );
    const model = await openModel(files);
    const [a, q, b, i] = model.weights.map((w) => w.values);
    const joined = model.artifacts.weightData as ArrayBuffer;
    expect(Array.from(a!)).toEqual([1.5, -2]);
    expect(a!.buffer).toBe(joined);
    expect(Array.from(q!)).toEqual([-1, -0.5, 0]);
    expect(q!.buffer).not.toBe(joined);
    expect(Array.from(b!)).toEqual([3.25, 0]);
    expect(b!.buffer).not.toBe(joined);
    expect(Array.from(i!)).toEqual([-7]);
    // The dropped file's bytes are not shared with anything the model holds.
    expect(joined).not.toBe(files[1]!.data.buffer);
    files[1]!.data.fill(0);
    expect(Array.from(a!)).toEqual([1.5, -2]);
  });
});

describe('quantized weights are decoded on first read', () => {
  it('opening and the inventory leave them undecoded; the first read decodes and keeps the values', async () => {
    const files = modelWith([{ name: 'q', shape: [2, 2], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.25, min: -0.5 } }], Uint8Array.of(0, 2, 4, 6));
    const model = await openModel(files);
    const w = model.weights[0]!;
    const pending = () => typeof Object.getOwnPropertyDescriptor(w, 'values')?.get === 'function';
    expect(pending()).toBe(true);
    expect(inventoryOf(model).weights[0]).toMatchObject({ name: 'q', params: 4, bytes: 4 });
    expect(pending()).toBe(true);
    const first = w.values;
    expect(Array.from(first)).toEqual([-0.5, 0, 0.5, 1]);
    expect(pending()).toBe(false);
    expect(w.values).toBe(first);
    expect(Object.keys(w)).toContain('values');
  });
});

describe('countNonFiniteStored', () => {
  it('counts NaN and infinities from stored bytes as decoding would, without decoding', () => {
    const f32 = new Float32Array([0, NaN, Infinity, -Infinity, 1, -0, 3.4e38]);
    // Misaligned on purpose: a float32 weight after an odd number of bytes.
    const shifted = new Uint8Array(f32.byteLength + 1);
    shifted.set(new Uint8Array(f32.buffer), 1);
    const spec32 = { name: 'f', shape: [7], dtype: 'float32' };
    expect(countNonFiniteStored(spec32, shifted.subarray(1))).toBe(3);
    const f16 = new Uint8Array(new Uint16Array([0x7c00, 0x7e00, 0xfc00, 0x3c00, 0x7bff, 0x0001]).buffer);
    const spec16 = { name: 'h', shape: [6], dtype: 'float32', quantization: { dtype: 'float16' } };
    expect(countNonFiniteStored(spec16, f16)).toBe(3);
    expect(countNonFiniteStored(spec16, f16)).toBe(countNonFinite(decodeWeightValues(spec16, f16)));
    const codes = Uint8Array.of(0, 255, 7);
    expect(countNonFiniteStored({ name: 'a', shape: [3], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.1, min: -1 } }, codes)).toBe(0);
    // A scale so large that the top codes overflow float32: counted by decoding.
    const huge = { name: 'a', shape: [3], dtype: 'float32', quantization: { dtype: 'uint8', scale: 1e37, min: 0 } };
    expect(countNonFiniteStored(huge, codes)).toBe(countNonFinite(decodeWeightValues(huge, codes)));
    expect(countNonFiniteStored(huge, codes)).toBe(1);
  });
});
