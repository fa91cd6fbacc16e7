/**
 * Fine-tuning graph models: the published @vladmandic/human emotion model (a converted Keras graph) pruned, then
 * fidelity recovered by distillation from the original on unlabelled real images (Fashion-MNIST garments given
 * as a flat folder of PNGs, resized to its 64x64 gray input), measured on held-out images; and the graphs whose
 * ops stop training, refused with the op named.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../cli/backend';
import { nodeImageDecoder } from '../data/node-decoder';
import { openDataset } from '../data/open-dataset';
import type { Dataset } from '../evaluate/dataset';
import { dataTargetFor } from '../evaluate/target';
import { PareError } from '../errors';
import { exportVariant } from '../export';
import { exportArtifacts } from '../export/load-export';
import { openModel } from '../formats/index';
import { realFiles } from '../formats/testing/files';
import type { OpenedModel } from '../model/types';
import { applyRecipe } from '../recipe/apply';
import { parseRecipe } from '../recipe/schema';
import type { Variant } from '../recipe/variant';
import { fashionFolders } from './retarget/testing/fashion-folders';

let emotion: OpenedModel;
beforeAll(async () => {
  await useBackend('wasm');
  emotion = await openModel(realFiles('human-emotion'));
});

/** Unlabelled images: Fashion-MNIST PNGs in one flat folder (so no class comes from a folder name). */
function unlabelled(model: OpenedModel, set: 'train' | 't10k', perClass: number): Dataset {
  const files = fashionFolders(set, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], perClass).map((f) => ({ ...f, name: f.name.replace("/", "-") }));
  return openDataset(files, dataTargetFor(model), { decoder: nodeImageDecoder });
}

const recipe = (...steps: unknown[]) => parseRecipe({ pare: 'recipe', version: 2, steps });

/** Mean cosine between the original's outputs and the variant's export's, as stock TF.js loads it, on `data`. */
async function cosineOf(model: OpenedModel, variant: Variant, r: ReturnType<typeof recipe>, data: Dataset): Promise<number> {
  const original = await tf.loadGraphModel(tf.io.fromMemory(model.artifacts));
  const stock = await tf.loadGraphModel(tf.io.fromMemory(exportArtifacts(exportVariant(model, variant, r).files)));
  const b = await data.batch(0, data.size);
  const cos = tf.tidy(() => {
    const x = tf.tensor(b.inputs, [b.count, ...data.sampleShape]);
    const a = original.predict(x) as tf.Tensor2D;
    const c = stock.predict(x) as tf.Tensor2D;
    const dot = tf.sum(tf.mul(a, c), 1);
    return tf.mean(tf.div(dot, tf.mul(tf.norm(a, 'euclidean', 1), tf.norm(c, 'euclidean', 1)))).dataSync()[0]!;
  });
  original.dispose();
  stock.dispose();
  return cos;
}

describe('finetune on a graph model (human emotion)', () => {
  it('distillation from the original on unlabelled images recovers fidelity lost to pruning; zeros stay exact; stock TF.js loads it', { timeout: 240_000 }, async () => {
    // A few steps only (this model's gradients cost about a second a batch on a quiet machine).
    const training = { fingerprint: 'fashion-flat', dataset: unlabelled(emotion, 'train', 7) };
    expect(training.dataset.labelled).toBe(false);
    const heldOut = unlabelled(emotion, 't10k', 5);
    const prune = { step: 'prune', sparsity: 0.6 };
    const pruned = recipe(prune);
    const tuned = recipe(prune, { step: 'finetune', data: 'training', epochs: 2, batch: 16, learningRate: 0.0001, distill: { temperature: 2, alpha: 0 } });
    const before = await applyRecipe(emotion, pruned);
    const after = await applyRecipe(emotion, tuned, { data: { training } });
    const [cosBefore, cosAfter] = [await cosineOf(emotion, before, pruned, heldOut), await cosineOf(emotion, after, tuned, heldOut)];
    expect(cosAfter).toBeGreaterThan(cosBefore);
    // Every weight pruning zeroed is still exactly zero, and the sparsity is what was asked.
    expect(after.stats.sparsity).toBeCloseTo(before.stats.sparsity, 6);
    before.weights.forEach((w, i) => {
      const trained = after.weights[i]!.values;
      for (let j = 0; j < w.values.length; j++) if (w.values[j] === 0 && before.stats.tensors[i]!.prunable) expect(trained[j]).toBe(0);
    });
    // The kernels moved; the float constants that are not kernels or biases did not.
    const moved = after.weights.filter((w, i) => w.values !== before.weights[i]!.values && w.values.some((v, j) => v !== before.weights[i]!.values[j]));
    expect(moved.length).toBeGreaterThan(5);
    console.log(`emotion, 60% pruned: cosine ${cosBefore.toFixed(4)} -> ${cosAfter.toFixed(4)} after fine-tuning by distillation`);
  });

  it('the same recipe, data and seed give byte-identical exports', { timeout: 120_000 }, async () => {
    const r = recipe({ step: 'prune', sparsity: 0.5 }, { step: 'finetune', data: 'training', epochs: 1, batch: 16, validation: 0, distill: { loss: 'mse', temperature: 1, alpha: 0 } });
    const training = { fingerprint: 'fashion-flat', dataset: unlabelled(emotion, 'train', 2) };
    const bytes = async () => exportVariant(emotion, await applyRecipe(emotion, r, { data: { training } }), r).files.map((f) => Array.from(f.data).join());
    expect(await bytes()).toEqual(await bytes());
  });
});

describe('graph models that cannot train say which op stops them', () => {
  const finetune = recipe({ step: 'finetune', data: 'training', epochs: 1, distill: { loss: 'mse', temperature: 1, alpha: 0 } });
  async function refusal(name: string): Promise<string> {
    const model = await openModel(realFiles(name));
    const training = { fingerprint: 'fashion-flat', dataset: unlabelled(model, 'train', 1) };
    const e = await applyRecipe(model, finetune, { data: { training } }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(PareError);
    expect((e as PareError).code).toBe('unsupported');
    return (e as PareError).message;
  }

  it('movenet: an op without a gradient', { timeout: 60_000 }, async () => {
    expect(await refusal('human-movenet-lightning')).toMatch(/recipe\.steps\[0\] \('finetune'\): this graph model uses the op 'GatherNd', which has no gradient in TF\.js/);
  });

  it('handtrack: several outputs (its detection heads)', { timeout: 60_000 }, async () => {
    expect(await refusal('human-handtrack')).toMatch(/this graph model has 1 input and 8 outputs; fine-tuning trains graph models with one of each/);
  });
});
