/**
 * The inventory agrees with stock TF.js: for layers models the parameter count equals model.countParams(), for
 * graph models the element count of the stock loader's weights; the byte total equals the shards' size; inputs
 * and outputs match what the stock model reports.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { openModel } from '../formats/index';
import { inventoryOf } from './inventory';
import { loadTfModel } from './load-tf';
import type { InputFile } from './types';
import { artifactsToFiles } from '../formats/testing/encode';
import { convModel, denseModel, nestedModel, saveArtifacts, sequenceModel, useCpu } from '../formats/testing/build-models';
import { REAL_MODELS, realFiles } from '../formats/testing/files';

beforeAll(useCpu);

const shardBytes = (files: InputFile[]) => files.filter((f) => !f.name.endsWith('.json')).reduce((n, f) => n + f.data.byteLength, 0);

describe('layers models', () => {
  const built: [string, () => tf.LayersModel][] = [
    ['dense', denseModel],
    ['conv', convModel],
    ['sequence', sequenceModel],
    ['nested', nestedModel],
  ];
  for (const [label, build] of built) {
    it(`${label}: params = countParams(), bytes = shard bytes, inputs/outputs = the stock model's`, async () => {
      const original = build();
      const files = artifactsToFiles(await saveArtifacts(original), { storage: 'uint8', shardBytes: 100 });
      const inv = inventoryOf(await openModel(files));
      expect(inv.params).toBe(original.countParams());
      expect(inv.weightBytes).toBe(shardBytes(files));
      expect(inv.inputs.map((t) => [t.shape, t.dtype])).toEqual(original.inputs.map((t) => [t.shape, t.dtype]));
      expect(inv.outputs.map((t) => [t.shape, t.dtype])).toEqual(original.outputs.map((t) => [t.shape, t.dtype]));
      expect(inv.weights.reduce((n, w) => n + w.params, 0)).toBe(inv.params);
      expect(inv.weights.every((w) => w.quantization?.dtype === 'uint8' && w.bytes === w.params)).toBe(true);
    });
  }

  it('nsfwjs MobileNetV2 (old format, uint8): 2,619,461 params as stock countParams() says', async () => {
    const files = realFiles('nsfwjs-mobilenet-v2');
    const opened = await openModel(files);
    const inv = inventoryOf(opened);
    const stock = await loadTfModel(opened.artifacts, 'layers-model');
    expect(inv.params).toBe(stock.countParams());
    expect(inv.params).toBe(2_619_461);
    expect(inv.weightBytes).toBe(shardBytes(files));
    expect(inv.inputs).toEqual([{ name: 'input_1', shape: [null, 224, 224, 3], dtype: 'float32' }]);
    expect(inv.outputs.map((t) => t.shape)).toEqual(stock.outputs.map((t) => t.shape));
    expect(inv.modelJsonBytes).toBe(files.find((f) => f.name.endsWith('model.json'))!.data.byteLength);
    stock.dispose();
  });
});

describe('graph models', () => {
  for (const name of REAL_MODELS.filter((n) => n.startsWith('human-'))) {
    it(`${name}: params = elements of the stock loader's weights, bytes = shard bytes, inputs as stock reports`, async () => {
      const files = realFiles(name);
      const opened = await openModel(files);
      const inv = inventoryOf(opened);
      const stock = await loadTfModel(opened.artifacts, 'graph-model');
      const stockParams = Object.values(stock.weights).reduce((n, [t]) => n + t.size, 0);
      expect(inv.params).toBe(stockParams);
      expect(inv.weightBytes).toBe(shardBytes(files));
      expect(inv.inputs.map((t) => [t.name, t.dtype])).toEqual(stock.inputs.map((t) => [t.name, t.dtype]));
      const stockShapes = stock.inputs.map((t) => t.shape?.map((d) => (d === -1 ? null : d)));
      expect(inv.inputs.map((t) => t.shape)).toEqual(stockShapes);
      expect(inv.outputs.map((t) => t.name).sort()).toEqual(stock.outputs.map((t) => t.name).sort());
      stock.dispose();
    });
  }
});

describe('inventoryOf', () => {
  it('lists every weight without its values, with owner, bytes and quantization', async () => {
    const inv = inventoryOf(await openModel(realFiles('human-movenet-lightning')));
    const row = inv.weights.find((w) => w.quantization !== null)!;
    expect(Object.keys(row).sort()).toEqual(['bytes', 'dtype', 'name', 'owner', 'ownerType', 'params', 'prunable', 'quantization', 'shape']);
    expect(row.quantization).toEqual({ dtype: 'float16' });
    expect(row.bytes).toBe(row.params * 2);
    expect(JSON.parse(JSON.stringify(inv))).toEqual(inv); // plain data, crosses the worker boundary as is
  });
});
