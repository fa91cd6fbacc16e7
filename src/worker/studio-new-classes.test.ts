/**
 * New classes through the studio API, in Node over the real core: the sample CNN retargeted to two Fashion-MNIST
 * classes given as image folders (real training images written as PNGs), measured on the held-out images of the
 * same folders, exported with its labels, and loaded by stock TF.js with two outputs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { nodeImageDecoder } from '../data/node-decoder';
import { makePng } from '../data/testing/make-png';
import { openModel } from '../formats';
import { inventoryOf } from '../model/inventory';
import type { InputFile } from '../model/types';
import { parseRecipe } from '../recipe/schema';
import { setupBackends } from '../runtime';
import { nodeWasmFolder } from '../runtime/node-wasm';
import { fashionFolders } from '../train/retarget/testing/fashion-folders';
import type { JobProgress, NewClassesRef } from './api';
import { createStudioApi } from './studio-api';

const samples = join(process.cwd(), 'public', 'samples');
const read = (path: string): InputFile => ({ name: path, data: new Uint8Array(readFileSync(join(samples, path))) });
const cnnFiles = () => ['fashion-cnn/model.json', 'fashion-cnn/group1-shard1of1.bin'].map(read);
const testSet = () => ['data/fashion-mnist-test-1000-images-idx3-ubyte.gz', 'data/fashion-mnist-test-1000-labels-idx1-ubyte.gz', 'data/labels.txt'].map(read);
const json = (data: Uint8Array) => JSON.parse(new TextDecoder().decode(data)) as Record<string, any>;

const retarget = parseRecipe({ pare: 'recipe', version: 2, steps: [{ step: 'retarget', data: 'training', epochs: 6, learningRate: 0.01 }] });

describe('new classes in the studio', () => {
  const { api } = createStudioApi({
    runtime: () => setupBackends({ wasmPaths: nodeWasmFolder(), probe: false }),
    openModel,
    inventoryOf,
    imageDecoder: () => nodeImageDecoder,
  });
  let modelId: string;
  let opened: NewClassesRef;

  beforeAll(async () => {
    modelId = (await api.openModel(cnnFiles())).id;
    // Trouser and Ankle boot: 30 training images each from the training set.
    opened = await api.openNewClasses(modelId, fashionFolders('train', [1, 9], 30), { holdOut: 0.2, seed: 1 });
  }, 60_000);

  it('lists the cuts with their shapes and marks the core default (the flatten before the classifier)', async () => {
    const { choices, defaultCut } = await api.cutChoices(modelId);
    expect(defaultCut).toBe('flatten');
    expect(choices.find((c) => c.isDefault)).toMatchObject({ name: 'flatten', className: 'Flatten', shape: [null, 400] });
    expect(choices.filter((c) => c.isDefault)).toHaveLength(1);
    expect(choices.map((c) => c.className)).not.toContain('InputLayer');
    expect(choices.every((c) => c.shape[0] === null && c.shape.slice(1).every((d) => typeof d === 'number'))).toBe(true);
  });

  it("opens the folders with their own classes (not the model's ten), split per class with the seed", () => {
    expect(opened.classes).toEqual([
      { name: 'Ankle_boot', images: 30, training: 24, test: 6 },
      { name: 'Trouser', images: 30, training: 24, test: 6 },
    ]);
    expect(opened.training.summary).toMatchObject({ size: 48, classNames: ['Ankle_boot', 'Trouser'], classSource: 'folders', labelled: true });
    expect(opened.test.summary).toMatchObject({ size: 12, classNames: ['Ankle_boot', 'Trouser'] });
    expect(opened.previews.map((p) => p.className)).toEqual(['Ankle_boot', 'Ankle_boot', 'Ankle_boot', 'Trouser', 'Trouser', 'Trouser']);
    expect(opened.previews[0]).toMatchObject({ width: 28, height: 28 });
  });

  it('refuses one class, loose images, a class of one image, a class folder without images and an unreadable image, by name', async () => {
    await expect(api.openNewClasses(modelId, fashionFolders('train', [1], 5))).rejects.toMatchObject({
      code: 'bad-data',
      message: expect.stringMatching(/at least two class folders.*only one class folder, 'Trouser\/' \(5 images\)/),
    });
    const loose = fashionFolders('train', [1], 3).map((f) => ({ ...f, name: f.name.split('/').pop()! }));
    await expect(api.openNewClasses(modelId, loose)).rejects.toMatchObject({ code: 'bad-data', message: expect.stringMatching(/found 3 images in no class folder\. A flat folder or zip of images does not say which image is which class/) });
    await expect(api.openNewClasses(modelId, [...fashionFolders('train', [1], 3), ...fashionFolders('train', [9], 1)])).rejects.toMatchObject({
      code: 'bad-data',
      message: "Every class needs at least 2 images, one to learn from and one to measure on; 'Ankle_boot/' has only one. Add images to it.",
    });
    const noImages = [...fashionFolders('train', [1, 9], 3), { name: 'Bag/notes.txt', data: new TextEncoder().encode('bags') }];
    await expect(api.openNewClasses(modelId, noImages)).rejects.toMatchObject({ code: 'bad-data', message: expect.stringContaining("'Bag/' holds no images") });
    const broken = [...fashionFolders('train', [1, 9], 3), { name: 'Trouser/broken.png', data: makePng({ width: 28, height: 28, colourType: 0, pixels: new Uint8Array(784) }).slice(0, 40) }];
    await expect(api.openNewClasses(modelId, broken)).rejects.toMatchObject({
      code: 'bad-data',
      file: 'Trouser/broken.png',
      message: expect.stringMatching(/^One image could not be read: 'Trouser\/broken\.png' \(/),
    });
  });

  it('trains the retarget recipe on the training images, streams its epochs, and measures it on the held-out ones', { timeout: 90_000 }, async () => {
    const reports: JobProgress[] = [];
    const variant = await api.applyRecipe(modelId, retarget, { onProgress: (p) => void reports.push(p) }, { training: opened.training.id });
    const epochs = reports.filter((r) => r.streamed?.kind === 'training' && r.streamed.progress.kind === 'epoch');
    expect(epochs.length).toBe(6);
    const m = await api.measure(modelId, variant.id, { dataId: opened.test.id, latencyRuns: 0 });
    expect(m.quality).toMatchObject({ kind: 'accuracy', samples: 12 });
    // Trousers and ankle boots are far apart in the sample's features: the held-out images are nearly all right.
    expect(m.quality!.value).toBeGreaterThanOrEqual(11 / 12);
    expect(m.quality!.perClass.map((c) => c.name)).toEqual(['Ankle_boot', 'Trouser']);
  });

  it("refuses to measure the retargeted variant on the source model's classes, and the original on the new ones", async () => {
    const variant = await api.applyRecipe(modelId, retarget, {}, { training: opened.training.id });
    const tenClasses = await api.openData(modelId, testSet());
    await expect(api.measure(modelId, variant.id, { dataId: tenClasses.id, latencyRuns: 0 })).rejects.toMatchObject({
      code: 'bad-options',
      message: expect.stringMatching(/retargeted to the classes 'Ankle_boot' and 'Trouser'.*source model's classes.*would mean nothing/),
    });
    await expect(api.measure(modelId, null, { dataId: opened.test.id, latencyRuns: 0 })).rejects.toMatchObject({
      code: 'bad-options',
      message: expect.stringMatching(/holds new classes \('Ankle_boot' and 'Trouser'\) that this model does not output/),
    });
  });

  it('exports a stock layers model with 2 outputs, its labels in model.json and in metadata.json', { timeout: 60_000 }, async () => {
    const variant = await api.applyRecipe(modelId, retarget, {}, { training: opened.training.id });
    const out = await api.exportVariant(modelId, variant.id);
    expect(out.files.map((f) => f.name)).toEqual(['model.json', 'group1-shard1of1.bin', 'metadata.json', 'recipe.json']);
    const modelJson = json(out.files[0]!.data);
    expect(modelJson.userDefinedMetadata.pare.labels).toEqual(['Ankle_boot', 'Trouser']);
    expect(json(out.files[2]!.data).labels).toEqual(['Ankle_boot', 'Trouser']);
    const weights = out.files[1]!.data;
    const loaded = await tf.loadLayersModel(
      tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs: modelJson.weightsManifest[0].weights, weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) }),
    );
    expect(loaded.outputs[0]!.shape).toEqual([null, 2]);
    const y = loaded.predict(tf.zeros([1, 28, 28, 1])) as tf.Tensor;
    expect(y.shape).toEqual([1, 2]);
    expect(Math.abs((await y.sum().data())[0]! - 1)).toBeLessThan(1e-5);
    tf.dispose([y]);
    loaded.dispose();
  });

  it('runs the compress steps after the retarget step, measured on the same held-out images', { timeout: 90_000 }, async () => {
    const plain = await api.applyRecipe(modelId, retarget, {}, { training: opened.training.id });
    const compressed = parseRecipe({ ...retarget, steps: [...retarget.steps, { step: 'prune', sparsity: 0.5 }, { step: 'quantize', default: 'uint8' }] });
    const variant = await api.applyRecipe(modelId, compressed, {}, { training: opened.training.id });
    expect(variant.stats.prunedSparsity).toBeCloseTo(0.5, 2);
    const [a, b] = await Promise.all([plain, variant].map((v) => api.measure(modelId, v.id, { dataId: opened.test.id, latencyRuns: 0 })));
    expect(b!.sizes.weightBytes).toBeLessThan(a!.sizes.weightBytes / 3);
    expect(b!.quality!.value).toBeGreaterThanOrEqual(10 / 12);
  });

  it('gives a byte-identical export from the same folders, recipe and seed in a fresh studio', { timeout: 90_000 }, async () => {
    const again = createStudioApi({ runtime: () => setupBackends({ wasmPaths: nodeWasmFolder(), probe: false }), openModel, inventoryOf, imageDecoder: () => nodeImageDecoder }).api;
    const id = (await again.openModel(cnnFiles())).id;
    const classes = await again.openNewClasses(id, fashionFolders('train', [1, 9], 30), { holdOut: 0.2, seed: 1 });
    const exportOf = async (studio: typeof api, model: string, training: string) => (await studio.exportVariant(model, (await studio.applyRecipe(model, retarget, {}, { training })).id)).files;
    const a = await exportOf(api, modelId, opened.training.id);
    const b = await exportOf(again, id, classes.training.id);
    expect(b.map((f) => f.name)).toEqual(a.map((f) => f.name));
    b.forEach((f, i) => expect(Buffer.from(f.data).equals(Buffer.from(a[i]!.data))).toBe(true));
  });

  it('streams the unfrozen layers\' epochs after the head\'s, counted from 1 again, as the panel expects', { timeout: 90_000 }, async () => {
    const recipe = parseRecipe({ ...retarget, steps: [{ ...retarget.steps[0], unfreeze: { layers: 1, epochs: 2 } }] });
    const reports: JobProgress[] = [];
    const variant = await api.applyRecipe(modelId, recipe, { onProgress: (p) => void reports.push(p) }, { training: opened.training.id });
    const epochs = reports.flatMap((r) => (r.streamed?.kind === 'training' && r.streamed.progress.kind === 'epoch' ? [r.streamed.progress.epoch] : []));
    expect(epochs).toEqual([1, 2, 3, 4, 5, 6, 1, 2]);
    expect(variant.warnings.map((w) => w.message).join(' ')).toMatch(/unfr(oze|eezing) 'conv2'/);
  });
});
