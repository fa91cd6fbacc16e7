/**
 * Opening keeps one copy of plain weights: float32 / int32 / bool weights at aligned offsets are views into the
 * joined shard buffer (artifacts.weightData), misaligned and quantized ones are decoded into their own arrays,
 * and the dropped files are never aliased.
 */
import { describe, expect, it } from 'vitest';
import { openModel } from './index';
import { jsonFile } from './testing/encode';

function modelWith(weights: { name: string; shape: number[]; dtype: string; quantization?: object }[], bytes: Uint8Array) {
  const topology = { node: [{ name: 'x', op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: { dim: [{ size: '1' }] } } } }] };
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
