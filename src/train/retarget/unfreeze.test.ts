/**
 * Unfreezing the top of the backbone after retarget's head, on the real sample CNN and the published nsfwjs
 * MobileNetV2, taught classes from folders of real Fashion-MNIST training images.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../cli/backend';
import { openSample } from '../../calibrate/testing/fashion';
import { nodeImageDecoder } from '../../data/node-decoder';
import { openDataset } from '../../data/open-dataset';
import { PareError } from '../../errors';
import { exportVariant } from '../../export';
import { exportArtifacts } from '../../export/load-export';
import { openModel } from '../../formats/index';
import { realFiles } from '../../formats/testing/files';
import type { OpenedModel } from '../../model/types';
import { applyRecipe } from '../../recipe/apply';
import { parseRecipe } from '../../recipe/schema';
import { newClassesTarget } from './data-target';
import { fashionFolders } from './testing/fashion-folders';

const T_SHIRT = 0;
const SHIRT = 6;
let cnn: OpenedModel;

beforeAll(async () => {
  await useBackend('wasm');
  cnn = await openSample('fashion-cnn');
});

const recipe = (...steps: unknown[]) => parseRecipe({ pare: 'recipe', version: 2, steps });
const folders = (model: OpenedModel, perClass: number, skip = 0) =>
  openDataset(fashionFolders(skip ? 't10k' : 'train', [T_SHIRT, SHIRT], perClass, { skip }), newClassesTarget(model), { decoder: nodeImageDecoder });
const training = (model: OpenedModel, perClass = 60) => ({ training: { fingerprint: `shirts-${perClass}`, dataset: folders(model, perClass) } });
const valuesOf = (v: { weights: { name: string; values: ArrayLike<number> }[] }, name: string) => v.weights.find((w) => w.name === name)!.values;

describe('retarget with unfreeze on the sample CNN', () => {
  const head = { step: 'retarget', data: 'training', epochs: 4, learningRate: 0.01, seed: 3 };

  it('trains the top backbone layer with the head, leaves the layers below exactly as they were, and exports a stock model', { timeout: 120_000 }, async () => {
    const data = training(cnn, 300);
    const headOnly = await applyRecipe(cnn, recipe(head), { data });
    const r = recipe({ ...head, unfreeze: { layers: 1, epochs: 4, learningRate: 0.001 } });
    const variant = await applyRecipe(cnn, r, { data });
    const u = variant.retarget!.unfrozen!;
    expect(u.layers).toEqual(['conv2']);
    expect(u.history).toHaveLength(4);
    // On these 600 images and this seed, unfreezing conv2 scores better on the 120 held apart (84.2% -> 85.0%
    // when measured), so its weights are kept; with fewer images or other seeds it often does not, and is dropped.
    expect(u.kept).toBe(true);
    // The same seed and share hold apart the same samples in both phases, so 'before' is the head-only score.
    expect(u.before).toBe(headOnly.retarget!.validation!.accuracy);
    expect(u.kept).toBe(u.after! > u.before!);
    const conv1 = cnn.weights.find((w) => w.name === 'conv1/kernel')!.values;
    expect(valuesOf(variant, 'conv1/kernel')).toEqual(conv1);
    const moved = valuesOf(variant, 'conv2/kernel') !== cnn.weights.find((w) => w.name === 'conv2/kernel')!.values;
    expect(moved).toBe(u.kept);
    expect(variant.warnings.map((w) => w.message).join('\n')).toMatch(u.kept ? /unfroze 'conv2'/ : /head-only model is kept/);

    // Stock TF.js loads the export; on held-out test images it scores as the variant's own weights do.
    const stock = await tf.loadLayersModel(tf.io.fromMemory(exportArtifacts(exportVariant(cnn, variant, r).files)));
    const test = folders(cnn, 50, 200);
    const b = await test.batch(0, test.size);
    const accuracy = tf.tidy(() => {
      const out = stock.predict(tf.tensor(b.inputs, [b.count, ...test.sampleShape])) as tf.Tensor;
      return tf.mean(tf.cast(tf.equal(tf.argMax(out, 1), tf.tensor1d(b.labels!, 'int32')), 'float32')).dataSync()[0]!;
    });
    expect(stock.outputs[0]!.shape).toEqual([null, 2]);
    // Shirts against T-shirts is hard on 28x28 images, but far above a coin toss.
    expect(accuracy).toBeGreaterThan(0.75);
    stock.dispose();
  });

  it('the same recipe, data and seed unfreeze to byte-identical exports', { timeout: 120_000 }, async () => {
    const r = recipe({ ...head, epochs: 2, unfreeze: { layers: 2, epochs: 1 } });
    const bytes = async () => exportVariant(cnn, await applyRecipe(cnn, r, { data: training(cnn, 20) }), r).files.map((f) => Array.from(f.data).join());
    expect(await bytes()).toEqual(await bytes());
  });

  it('asking for more layers than the backbone has says how many it has', async () => {
    const r = recipe({ ...head, epochs: 1, unfreeze: { layers: 3 } });
    const e = await applyRecipe(cnn, r, { data: training(cnn, 10) }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(PareError);
    expect((e as PareError).message).toMatch(/unfreeze\.layers is 3, and the backbone below the cut has 2 layers/);
  });
});

describe('retarget with unfreeze on the published nsfwjs MobileNetV2', () => {
  it('refuses a split that a residual add crosses, naming the layers', { timeout: 120_000 }, async () => {
    const model = await openModel(realFiles('nsfwjs-mobilenet-v2'));
    // Conv_1, block_16_project, block_16_depthwise, block_16_expand, block_15_project: block_15_add reads from below.
    const r = recipe({ step: 'retarget', data: 'training', epochs: 1, unfreeze: { layers: 5 } });
    const data = { training: { fingerprint: 'shirts-4', dataset: folders(model, 4) } };
    const e = await applyRecipe(model, r, { data }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(PareError);
    expect((e as PareError).message).toMatch(/'block_15_add' reads .* from below 'block_15_project'/);
  });
});
