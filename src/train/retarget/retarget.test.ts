/**
 * The retarget step on the real Fashion-MNIST sample CNN and MLP, taught two classes from image folders of real
 * Fashion-MNIST training images, measured on held-out test images as folders.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../cli/backend';
import { nodeImageDecoder } from '../../data/node-decoder';
import { openDataset } from '../../data/open-dataset';
import { PareError } from '../../errors';
import { exportVariant } from '../../export';
import { exportArtifacts } from '../../export/load-export';
import { openSample } from '../../calibrate/testing/fashion';
import type { OpenedModel } from '../../model/types';
import { applyRecipe } from '../../recipe/apply';
import type { RecipeData } from '../../recipe/run/context';
import { parseRecipe } from '../../recipe/schema';
import { newClassesTarget } from './data-target';
import { fashionFolders } from './testing/fashion-folders';

let cnn: OpenedModel;
let mlp: OpenedModel;
const SANDAL = 5;
const BAG = 8;

beforeAll(async () => {
  await useBackend('wasm');
  [cnn, mlp] = await Promise.all([openSample('fashion-cnn'), openSample('fashion-mlp')]);
});

const recipe = (...steps: unknown[]) => parseRecipe({ pare: 'recipe', version: 2, steps });
function training(model: OpenedModel, perClass = 20): { training: RecipeData } {
  const files = fashionFolders('train', [SANDAL, BAG], perClass);
  return { training: { fingerprint: 'fashion-sandal-bag', dataset: openDataset(files, newClassesTarget(model), { decoder: nodeImageDecoder }) } };
}

async function errorOf(run: Promise<unknown>): Promise<PareError> {
  const e = await run.then(() => null, (x: unknown) => x);
  expect(e).toBeInstanceOf(PareError);
  return e as PareError;
}

/** The topology's layers as [class, name]. */
function layerList(topology: unknown): [string, string][] {
  const t = topology as { config: { layers: { class_name: string; config: { name: string } }[] } };
  return t.config.layers.map((l) => [l.class_name, l.config.name]);
}

describe('retarget on the sample CNN', () => {
  it('cuts at the last pooling/flatten layer, keeps the backbone, adds a head for the folders\' classes', async () => {
    const r = recipe({ step: 'retarget', data: 'training', epochs: 3, seed: 7 });
    const variant = await applyRecipe(cnn, r, { data: training(cnn) });
    expect(layerList(variant.modelTopology)).toEqual([
      ['Conv2D', 'conv1'], ['MaxPooling2D', 'pool1'], ['Conv2D', 'conv2'], ['MaxPooling2D', 'pool2'], ['Flatten', 'flatten'], ['Dense', 'retarget_classes'],
    ]);
    expect(variant.retarget!.labels).toEqual(['Bag', 'Sandal']);
    expect(variant.retarget!.cut.layer).toBe('flatten');
    const flat = variant.retarget!.cut.shape[1]!;
    const byName = new Map(variant.weights.map((w) => [w.name, w]));
    expect(byName.get('retarget_classes/kernel')!.shape).toEqual([flat, 2]);
    expect(byName.get('retarget_classes/bias')!.shape).toEqual([2]);
    expect([...byName.keys()].filter((n) => n.startsWith('fc'))).toEqual([]);
    // The backbone's arrays are the source's own, untouched.
    for (const w of cnn.weights.filter((w) => w.name.startsWith('conv'))) expect(byName.get(w.name)!.values).toBe(w.values);
    expect(variant.retarget!.history).toHaveLength(3);
    expect(variant.retarget!.validation!.samples).toBe(8);
    const tfModel = await tf.loadLayersModel(tf.io.fromMemory(exportArtifacts(exportVariant(cnn, variant, r).files)));
    expect(tfModel.outputs[0]!.shape).toEqual([null, 2]);
    expect(tfModel.inputs[0]!.shape).toEqual([null, 28, 28, 1]);
    tfModel.dispose();
  });

  it('export loads in stock TF.js, and its outputs equal the frozen backbone followed by the trained head', async () => {
    const r = recipe({ step: 'retarget', data: 'training', epochs: 20, batch: 8, learningRate: 0.01, seed: 3, hidden: 16 });
    const variant = await applyRecipe(cnn, r, { data: training(cnn) });
    const exported = await tf.loadLayersModel(tf.io.fromMemory(exportArtifacts(exportVariant(cnn, variant, r).files)));
    const original = await tf.loadLayersModel(tf.io.fromMemory(cnn.artifacts));
    const backbone = tf.model({ inputs: original.inputs, outputs: original.getLayer('flatten').output as tf.SymbolicTensor });
    const test = openDataset(fashionFolders('t10k', [SANDAL, BAG], 10), newClassesTarget(cnn), { decoder: nodeImageDecoder });
    const batch = await test.batch(0, test.size);
    const x = tf.tensor(batch.inputs, [batch.count, 28, 28, 1]);
    const got = (exported.predict(x) as tf.Tensor).dataSync();
    const w = new Map(variant.weights.map((v) => [v.name, v.values as Float32Array]));
    const want = tf.tidy(() => {
      const h = tf.relu(tf.add(tf.matMul(backbone.predict(x) as tf.Tensor2D, tf.tensor2d(w.get('retarget_hidden/kernel')!, [400, 16])), tf.tensor1d(w.get('retarget_hidden/bias')!)));
      return tf.softmax(tf.add(tf.matMul(h, tf.tensor2d(w.get('retarget_classes/kernel')!, [16, 2])), tf.tensor1d(w.get('retarget_classes/bias')!))).dataSync();
    });
    expect(got.length).toBe(40);
    for (let i = 0; i < got.length; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThan(1e-5);
    // Sandals and bags are easy apart even for a head trained on 32 images.
    const predicted = tf.tidy(() => tf.argMax(tf.tensor2d(got, [batch.count, 2]), 1).dataSync());
    const correct = predicted.filter((p, i) => p === batch.labels![i]).length;
    expect(correct / batch.count).toBeGreaterThanOrEqual(0.85);
    [exported, original, x].forEach((t) => t.dispose());
  });

  it('the same recipe, data and seed give byte-identical exports; another seed does not', async () => {
    const files = (seed: number) =>
      applyRecipe(cnn, recipe({ step: 'retarget', data: 'training', epochs: 2, seed }), { data: training(cnn) }).then(
        (v) => exportVariant(cnn, v, recipe({ step: 'retarget', data: 'training', epochs: 2, seed })).files,
      );
    const [a, b, c] = [await files(5), await files(5), await files(6)];
    expect(a.map((f) => f.name)).toEqual(b.map((f) => f.name));
    a.forEach((f, i) => expect(Buffer.from(f.data).equals(Buffer.from(b[i]!.data))).toBe(true));
    expect(Buffer.from(a[1]!.data).equals(Buffer.from(c[1]!.data))).toBe(false);
  });

  it('a cut name that is not a layer says so and lists the layers it could cut at, with their shapes', async () => {
    const e = await errorOf(applyRecipe(cnn, recipe({ step: 'retarget', data: 'training', cut: 'conv9', epochs: 1 }), { data: training(cnn, 4) }));
    expect(e.code).toBe('bad-recipe');
    expect(e.message).toBe(
      "recipe.steps[0].cut is 'conv9', not a layer of this model; cut at one of: fc3 [null, 10], fc2 [null, 84], fc1 [null, 120], flatten [null, 400], pool2 [null, 5, 5, 16], conv2 [null, 10, 10, 16], pool1 [null, 14, 14, 6], conv1 [null, 28, 28, 6].",
    );
  });

  it('a cut at a feature map adds a Flatten before the head; a labels file gives the class order', async () => {
    const files = [...fashionFolders('train', [SANDAL, BAG], 6), { name: 'labels.txt', data: new TextEncoder().encode('Sandal\nBag\n') }];
    const dataset = openDataset(files, newClassesTarget(cnn), { decoder: nodeImageDecoder });
    const r = recipe({ step: 'retarget', data: 'training', cut: 'pool2', epochs: 1 });
    const variant = await applyRecipe(cnn, r, { data: { training: { fingerprint: 'x', dataset } } });
    expect(layerList(variant.modelTopology).slice(-3)).toEqual([['MaxPooling2D', 'pool2'], ['Flatten', 'retarget_flatten'], ['Dense', 'retarget_classes']]);
    expect(variant.retarget).toMatchObject({ labels: ['Sandal', 'Bag'], classSource: 'labels-file' });
    const stock = await tf.loadLayersModel(tf.io.fromMemory(exportArtifacts(exportVariant(cnn, variant, r).files)));
    expect(stock.getLayer('retarget_classes').getWeights()[0]!.shape).toEqual([400, 2]);
    stock.dispose();
  });

  it('cancelling stops between batches with PareError(cancelled)', async () => {
    const controller = new AbortController();
    const run = applyRecipe(cnn, recipe({ step: 'retarget', data: 'training', epochs: 50 }), {
      data: training(cnn),
      signal: controller.signal,
      onProgress: (p) => p.done === 2 && controller.abort(),
    });
    const e = await errorOf(run);
    expect(e.code).toBe('cancelled');
  });

  it('features that would not fit in memory are refused before the backbone runs', async () => {
    const { trainingSet } = await import('../../calibrate/testing/fashion');
    const all = { training: { fingerprint: 'train-60k', dataset: trainingSet(cnn) } };
    const e = await errorOf(applyRecipe(cnn, recipe({ step: 'retarget', data: 'training', cut: 'conv1', epochs: 1 }), { data: all }));
    expect(e.code).toBe('too-large');
    expect(e.message).toBe(
      "recipe.steps[0]: the cut's output has 4,704 values per sample, so 60,000 samples need 1,128,960,000 bytes of features (at most 1,073,741,824 bytes); cut at a later, smaller layer or give fewer images.",
    );
  });

  it('one class is not enough to learn from', async () => {
    const dataset = openDataset(fashionFolders('train', [BAG], 5), newClassesTarget(cnn), { decoder: nodeImageDecoder });
    const e = await errorOf(applyRecipe(cnn, recipe({ step: 'retarget', data: 'training', epochs: 1 }), { data: { training: { fingerprint: 'x', dataset } } }));
    expect(e.message).toBe('recipe.steps[0] trains a new head and needs labelled data with at least 2 classes: image folders (one per class) or data with labels; these images are in no class folder, or all in one.');
  });

});

describe('retarget on the sample MLP', () => {
  it('defaults to the classifier\'s input (its only Flatten has no trained layer below it)', async () => {
    const r = recipe({ step: 'retarget', data: 'training', epochs: 2 });
    const variant = await applyRecipe(mlp, r, { data: training(mlp, 10) });
    expect(layerList(variant.modelTopology)).toEqual([['Flatten', 'flatten'], ['Dense', 'fc1'], ['Dense', 'fc2'], ['Dense', 'retarget_classes']]);
    expect(variant.retarget!.cut).toEqual({ layer: 'fc2', shape: [null, 100] });
  });
});

describe('retarget on a published graph model', () => {
  it('a graph model (human emotion) is cut at its classifier\'s input; the export loads in stock TF.js and keeps its output name', async () => {
    const { openModel } = await import('../../formats');
    const { readInput } = await import('../../cli/read-input');
    const emotion = await openModel(await readInput('.fixtures/real/human-emotion'));
    const r = recipe({ step: 'retarget', data: 'training', epochs: 10, learningRate: 0.01, seed: 4 });
    const variant = await applyRecipe(emotion, r, { data: training(emotion, 10) });
    expect(variant.retarget!.cut).toEqual({ layer: 'StatefulPartitionedCall/model_1/add_2/add', shape: [null, 8, 8, 256] });
    const names = (variant.modelTopology as { node: { name: string; op: string }[] }).node.map((n) => `${n.op} ${n.name}`);
    expect(names.slice(-8)).toEqual([
      'Const retarget_flatten/shape', 'Reshape retarget_flatten', 'Const retarget_classes/kernel', 'Const retarget_classes/bias',
      'MatMul retarget_classes/MatMul', 'BiasAdd retarget_classes/BiasAdd', 'Softmax retarget_classes/Softmax', 'Identity Identity',
    ]);
    expect(names.some((n) => n.includes('conv2d_5'))).toBe(false);
    const head = variant.stats.tensors.find((t) => t.name === 'retarget_classes/kernel')!;
    expect(head).toMatchObject({ prunable: true, params: 16384 * 2 });
    const files = exportVariant(emotion, variant, r).files;
    expect(files.map((f) => f.name)).toEqual(['model.json', 'group1-shard1of1.bin']);
    const stock = await tf.loadGraphModel(tf.io.fromMemory(exportArtifacts(files)));
    const test = openDataset(fashionFolders('t10k', [SANDAL, BAG], 10), newClassesTarget(emotion), { decoder: nodeImageDecoder });
    const batch = await test.batch(0, test.size);
    const out = stock.predict(tf.tensor(batch.inputs, [batch.count, 64, 64, 1])) as tf.Tensor;
    expect(out.shape).toEqual([20, 2]);
    // The export's scores are the original graph's features at the cut through the trained head.
    const original = await tf.loadGraphModel(tf.io.fromMemory(emotion.artifacts));
    const w = new Map(variant.weights.map((v) => [v.name, v.values as Float32Array]));
    const want = tf.tidy(() => {
      const f = (original.execute(tf.tensor(batch.inputs, [batch.count, 64, 64, 1]), variant.retarget!.cut.layer) as tf.Tensor).reshape([batch.count, 16384]);
      return tf.softmax(tf.add(tf.matMul(f as tf.Tensor2D, tf.tensor2d(w.get('retarget_classes/kernel')!, [16384, 2])), tf.tensor1d(w.get('retarget_classes/bias')!))).dataSync();
    });
    const got = out.dataSync();
    for (let i = 0; i < got.length; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThan(1e-5);
    original.dispose();
    const reopened = await openModel(files);
    expect(reopened.format).toBe('graph-model');
    expect(reopened.labels).toEqual(['Bag', 'Sandal']);
    expect(reopened.outputs[0]).toMatchObject({ name: 'Identity', shape: [null, 2] });
    [stock, out].forEach((t) => t.dispose());
  });

  it('a graph cut that names no op node lists the nodes it could cut at, with their shapes', async () => {
    const { openModel } = await import('../../formats');
    const { readInput } = await import('../../cli/read-input');
    const emotion = await openModel(await readInput('.fixtures/real/human-emotion'));
    const e = await errorOf(applyRecipe(emotion, recipe({ step: 'retarget', data: 'training', cut: 'unknown_26', epochs: 1 }), { data: training(emotion, 2) }));
    expect(e.code).toBe('bad-recipe');
    expect(e.message).toMatch(/^recipe\.steps\[0\]\.cut is 'unknown_26', not an op node of this graph with an output of fixed size; cut at one of: Identity \[null, 7\], StatefulPartitionedCall\/model_1\/predictions\/Softmax \[null, 7\], .* and \d+ earlier nodes\.$/);
  });
});
