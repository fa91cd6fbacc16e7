/**
 * Pare decodes every weight exactly as stock TF.js does: the same files are opened by openModel and by the stock
 * loader (tf.io.http over the dropped files), and every weight's values are compared bit for bit. Covers float32,
 * uint8, uint16 and float16 storage, several shards, old files without `format`, and the real published models.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { openModel } from './index';
import type { InputFile, OpenedModel } from '../model/types';
import { artifactsToFiles, type Storage } from './testing/encode';
import { convModel, denseModel, saveArtifacts, sequenceModel, useCpu } from './testing/build-models';
import { stockGraph, stockLayers, stockWeights } from './testing/stock';
import { REAL_MODELS, realFiles } from './testing/files';

beforeAll(useCpu);

function expectSameValues(model: OpenedModel, stock: Map<string, Float32Array | Int32Array | Uint8Array>): void {
  expect(model.weights.map((w) => w.name).sort()).toEqual([...stock.keys()].sort());
  for (const w of model.weights) {
    const theirs = stock.get(w.name)!;
    expect(w.values.constructor, w.name).toBe(theirs.constructor);
    // Bit-exact, NaN included: compare the raw bytes.
    const ours = new Uint8Array(w.values.buffer, w.values.byteOffset, w.values.byteLength);
    const ref = new Uint8Array(theirs.buffer, theirs.byteOffset, theirs.byteLength);
    expect(Buffer.compare(ours, ref), `values of '${w.name}'`).toBe(0);
  }
}

async function checkLayers(files: InputFile[], modelJsonName: string): Promise<OpenedModel> {
  const model = await openModel(files);
  const stock = await stockLayers(files, modelJsonName);
  expectSameValues(model, stockWeights(stock));
  stock.dispose();
  return model;
}

describe('layers models built with TF.js', () => {
  const storages: Storage[] = ['float32', 'uint8', 'uint16', 'float16'];
  for (const [label, build] of [
    ['dense + batch norm', denseModel],
    ['conv + depthwise + separable + transpose + batch norm', convModel],
    ['embedding + conv1d', sequenceModel],
  ] as const) {
    for (const storage of storages) {
      it(`${label}, stored ${storage}, decodes like the stock loader`, async () => {
        const files = artifactsToFiles(await saveArtifacts(build()), { storage, shardBytes: 64 });
        expect(files.length).toBeGreaterThan(2); // really several shards
        const model = await checkLayers(files, 'model.json');
        const quantized = model.weights.filter((w) => w.quantization).length;
        expect(quantized).toBe(storage === 'float32' ? 0 : model.weights.length);
      });
    }
  }

  it('an old-style file (no format field, shards without .bin) in a dropped folder', async () => {
    const files = artifactsToFiles(await saveArtifacts(denseModel()), {
      dir: 'mymodel',
      omitFormat: true,
      binSuffix: false,
      storage: 'uint8',
    });
    expect(files.map((f) => f.name)).toEqual(['mymodel/model.json', 'mymodel/group1-shard1of1']);
    const model = await checkLayers(files, 'mymodel/model.json');
    expect(model.format).toBe('layers-model');
    expect(model.modelJsonName).toBe('mymodel/model.json');
  });
});

describe('real published models', () => {
  for (const name of REAL_MODELS) {
    it(`${name}: every weight equals the stock loader's`, async () => {
      const files = realFiles(name);
      const model = await openModel(files);
      const stock = model.format === 'layers-model' ? await stockLayers(files, model.modelJsonName) : await stockGraph(files, model.modelJsonName);
      expectSameValues(model, stockWeights(stock));
      stock.dispose();
    });
  }

  it('covers uint8 (layers and graph), float16 and float32 storage', async () => {
    const stored = new Map<string, Set<string>>();
    for (const name of REAL_MODELS) {
      const model = await openModel(realFiles(name));
      stored.set(name, new Set(model.weights.map((w) => w.quantization?.dtype ?? w.dtype)));
    }
    expect(stored.get('nsfwjs-mobilenet-v2')).toEqual(new Set(['uint8']));
    expect(stored.get('human-handtrack')).toEqual(new Set(['uint8', 'int32']));
    expect(stored.get('human-movenet-lightning')).toEqual(new Set(['float16', 'int32']));
    expect(stored.get('human-emotion')).toEqual(new Set(['float32', 'int32']));
  });
});
