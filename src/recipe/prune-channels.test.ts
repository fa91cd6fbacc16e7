/**
 * The prune-channels step in recipes with data and with later steps, on the sample CNN: compensation calibrated on
 * training images and measured on the held-out test subset; prune-channels + prune + quantize through export and
 * stock load; the same bytes twice.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { openSample, testSubset, trainingSet } from '../calibrate/testing/fashion';
import { useBackend } from '../cli/backend';
import type { Dataset } from '../evaluate/dataset';
import { exportVariant } from '../export';
import { expectStockRoundTrip, randomInputs } from '../export/testing/roundtrip';
import { loadTfModel } from '../model/load-tf';
import type { OpenedModel } from '../model/types';
import { applyRecipe } from './apply';
import { variantArtifacts } from './artifacts';
import { parseRecipe } from './schema';
import type { Variant } from './variant';

let cnn: OpenedModel;
let train: Dataset;
let test: Dataset;
beforeAll(async () => {
  await useBackend('wasm');
  cnn = await openSample('fashion-cnn');
  train = trainingSet(cnn);
  test = testSubset(cnn);
});

const calibration = () => ({ calibration: { fingerprint: 'sha256:train', dataset: train } });
const halfEach = { step: 'prune-channels', ratio: 0, perGroup: [{ match: '*', ratio: 0.5 }] };
const recipe = (...steps: object[]) => parseRecipe({ pare: 'recipe', version: 2, steps });

/** Class probabilities of the first `n` held-out images, and top-1 accuracy on them. */
async function predictions(artifacts: tf.io.ModelArtifacts, n: number): Promise<{ probs: Float32Array; accuracy: number }> {
  const model = await loadTfModel(artifacts, 'layers-model');
  const batch = await test.batch(0, n);
  try {
    const y = tf.tidy(() => model.predict(tf.tensor(batch.inputs, [batch.count, ...test.sampleShape])) as tf.Tensor);
    const probs = new Float32Array(await y.data());
    y.dispose();
    let right = 0;
    for (let i = 0; i < batch.count; i++) {
      const row = probs.subarray(i * 10, (i + 1) * 10);
      if (row.indexOf(Math.max(...row)) === batch.labels![i]) right++;
    }
    return { probs, accuracy: right / batch.count };
  } finally {
    model.dispose();
  }
}

const meanSquared = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + (v - b[i]!) ** 2, 0) / a.length;

describe('prune-channels with compensation', () => {
  it('refitting the layers that read removed channels lowers the output error on held-out images', async () => {
    const original = await predictions(cnn.artifacts, 1000);
    const plain = await applyRecipe(cnn, recipe(halfEach));
    const refit = await applyRecipe(cnn, recipe({ ...halfEach, compensate: true, data: 'calibration', samples: 256 }), { data: calibration() });
    // Same channels removed either way; only the refitted kernels and biases differ.
    expect(refit.weights.map((w) => w.shape)).toEqual(plain.weights.map((w) => w.shape));
    const a = await predictions(variantArtifacts(cnn, plain), 1000);
    const b = await predictions(variantArtifacts(cnn, refit), 1000);
    expect(meanSquared(b.probs, original.probs)).toBeLessThan(0.7 * meanSquared(a.probs, original.probs));
    expect(b.accuracy).toBeGreaterThan(a.accuracy + 0.02);
    expect(refit.applied).toEqual({ data: { calibration: 'sha256:train' }, backend: 'wasm' });
  });

  it('the default ridge generalises better than plain least squares from 256 calibration images', async () => {
    const original = await predictions(cnn.artifacts, 1000);
    const withRidge = await applyRecipe(cnn, recipe({ ...halfEach, compensate: true, data: 'calibration', samples: 256 }), { data: calibration() });
    const plain = await applyRecipe(cnn, recipe({ ...halfEach, compensate: true, data: 'calibration', samples: 256, ridge: 0 }), { data: calibration() });
    const a = await predictions(variantArtifacts(cnn, plain), 1000);
    const b = await predictions(variantArtifacts(cnn, withRidge), 1000);
    expect(meanSquared(b.probs, original.probs)).toBeLessThan(meanSquared(a.probs, original.probs));
    expect(b.accuracy).toBeGreaterThanOrEqual(a.accuracy);
  });

  it('ranking by calibration activations works, and is refused without the data', async () => {
    const v = await applyRecipe(cnn, recipe({ ...halfEach, criterion: 'activation', data: 'calibration', samples: 128 }), { data: calibration() });
    expect(v.weights.find((w) => w.name === 'fc1/bias')!.shape).toEqual([60]);
    await expect(applyRecipe(cnn, recipe({ ...halfEach, criterion: 'activation' }))).rejects.toThrow('recipe.steps[0] uses criterion "activation", which needs calibration data');
  });

  it('a pruned kernel keeps its mask: it is sliced, not refitted, and the step says so', async () => {
    const v = await applyRecipe(cnn, recipe({ step: 'prune', sparsity: 0.5 }, { ...halfEach, compensate: true, data: 'calibration', samples: 64 }), { data: calibration() });
    expect(v.warnings.some((w) => w.message.includes("'fc1' (its kernel is pruned)"))).toBe(true);
    // Every kernel is under the global target, so none is refitted: the result is plain slicing of the pruned model.
    const sliced = await applyRecipe(cnn, recipe({ step: 'prune', sparsity: 0.5 }, halfEach));
    v.weights.forEach((w, i) => expect(w.values, w.name).toEqual(sliced.weights[i]!.values));
    expect(v.stats.tensors.find((t) => t.name === 'fc2/kernel')!.zeros).toBeGreaterThan(0);
  });
});

describe('prune-channels followed by other steps', () => {
  it('prune-channels + prune + quantize: exact sparsity on the new shapes, export loads in stock TF.js, same bytes twice', async () => {
    const r = recipe({ ...halfEach, compensate: true, data: 'calibration', samples: 128 }, { step: 'prune', sparsity: 0.3 }, { step: 'quantize', default: 'uint8' });
    const once = async (): Promise<Variant> => applyRecipe(cnn, r, { data: calibration() });
    const v = await once();
    const prunable = v.weights.filter((_, i) => cnn.weights[i]!.prunable);
    const n = prunable.reduce((s, w) => s + w.values.length, 0);
    expect(n).toBe(5 * 5 * 1 * 3 + 5 * 5 * 3 * 8 + 200 * 60 + 60 * 42 + 42 * 10);
    expect(v.stats.prunedSparsity).toBeCloseTo(Math.round(0.3 * n) / n, 12);
    expect(v.weights.every((w) => w.stored.dtype === 'uint8' || w.dtype !== 'float32')).toBe(true);
    const files = exportVariant(cnn, v, r).files;
    const x = randomInputs(cnn, 17, [[3, 28, 28, 1]]);
    await expectStockRoundTrip(cnn, v, files, x);
    x.forEach((t) => t.dispose());
    const again = exportVariant(cnn, await once(), r).files;
    expect(again.map((f) => f.data)).toEqual(files.map((f) => f.data));
  });
});
