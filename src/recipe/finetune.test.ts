/**
 * The finetune step on the shipped sample MLP with real Fashion-MNIST training images: recovery after pruning,
 * gradual pruning with distillation, unlabelled data, stopping early, and stock-loadable, repeatable exports.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { accuracyOf, openSample, testSubset, trainingSet } from '../calibrate/testing/fashion';
import { useBackend } from '../cli/backend';
import type { Dataset } from '../evaluate/dataset';
import { exportVariant } from '../export';
import { expectStockRoundTrip, randomInputs } from '../export/testing/roundtrip';
import type { OpenedModel } from '../model/types';
import { firstSamples } from '../train/testing/sample-training';
import type { TrainProgress } from '../train/types';
import { applyRecipe } from './apply';
import { parseRecipe } from './schema';

let mlp: OpenedModel;
let train: Dataset;
let test: Dataset;
beforeAll(async () => {
  await useBackend('wasm');
  mlp = await openSample('fashion-mlp');
  train = firstSamples(trainingSet(mlp), 1000);
  test = testSubset(mlp);
});

const training = (dataset = train) => ({ training: { fingerprint: 'sha256:train', dataset } });
const zeros = (v: ArrayLike<number>) => Array.prototype.filter.call(v, (x: number) => x === 0).length;
const prunableCount = () => mlp.weights.filter((w) => w.prunable).reduce((n, w) => n + w.values.length, 0);
const prunableZeros = (v: { weights: { values: ArrayLike<number> }[] }) => mlp.weights.reduce((n, w, i) => n + (w.prunable ? zeros(v.weights[i]!.values) : 0), 0);

describe('the finetune step', () => {
  it('recovers the sample MLP pruned to 90% (training-set accuracy up), keeping every pruned zero; the 4-bit export loads in stock TF.js', async () => {
    const prune = { step: 'prune', sparsity: 0.9 };
    const pruneOnly = await applyRecipe(mlp, parseRecipe({ pare: 'recipe', version: 2, steps: [prune] }));
    const recipe = parseRecipe({ pare: 'recipe', version: 2, steps: [prune, { step: 'finetune', data: 'training', epochs: 2, batch: 64, seed: 1 }, { step: 'quantize', default: { bits: 4 } }] });
    const points: TrainProgress[] = [];
    const v = await applyRecipe(mlp, recipe, { data: training(), onTraining: (p, where) => where === 'recipe.steps[1]' && points.push(p) });
    expect(await accuracyOf(mlp, v, train)).toBeGreaterThan((await accuracyOf(mlp, pruneOnly, train)) + 0.05);
    expect(await accuracyOf(mlp, v, test)).toBeGreaterThan(await accuracyOf(mlp, pruneOnly, test));
    mlp.weights.forEach((w, i) => w.prunable && pruneOnly.weights[i]!.values.forEach((x, j) => x === 0 && expect(v.weights[i]!.values[j]).toBe(0)));
    expect(prunableZeros(v)).toBeGreaterThanOrEqual(Math.round(0.9 * prunableCount()));
    expect(v.applied).toEqual({ data: { training: 'sha256:train' }, backend: 'wasm' });
    expect(v.warnings.map((w) => w.message)).toContainEqual(expect.stringMatching(/^recipe\.steps\[1\] \('finetune'\): Trained 2 epochs; kept epoch \d \(validation accuracy/));
    expect(points.filter((p) => p.kind === 'epoch')).toHaveLength(2);
    await expectStockRoundTrip(mlp, v, exportVariant(mlp, v, recipe).files, randomInputs(mlp, 3));
  });

  it('prunes gradually from 50% to 95% with distillation from the original, to exactly round(0.95 n) zeros, the same bytes twice', async () => {
    const recipe = parseRecipe({ pare: 'recipe', version: 2, steps: [
      { step: 'finetune', data: 'training', epochs: 2, batch: 100, learningRate: 0.002, seed: 3, sparsity: { from: 0.5, to: 0.95, every: 2 }, distill: { temperature: 4, alpha: 0.5 } },
      { step: 'quantize', default: 'uint8' }] });
    const a = await applyRecipe(mlp, recipe, { data: training() });
    const b = await applyRecipe(mlp, recipe, { data: training() });
    expect(prunableZeros(a)).toBe(Math.round(0.95 * prunableCount()));
    expect(a.stats.prunedSparsity).toBeCloseTo(0.95, 6);
    a.weights.forEach((w, i) => expect(Buffer.from(w.stored.bytes).equals(Buffer.from(b.weights[i]!.stored.bytes))).toBe(true));
    // One-shot magnitude pruning to 95% loses far more.
    const oneShot = await applyRecipe(mlp, parseRecipe({ pare: 'recipe', version: 2, steps: [{ step: 'prune', sparsity: 0.95 }, { step: 'quantize', default: 'uint8' }] }));
    expect(await accuracyOf(mlp, a, test)).toBeGreaterThan((await accuracyOf(mlp, oneShot, test)) + 0.05);
  });

  it('learns from the teacher alone on unlabelled data, and refuses unlabelled data without a teacher', async () => {
    const unlabelled: Dataset = { ...train, labelled: false, labels: null, batch: async (s, e) => ({ ...(await train.batch(s, e)), labels: null }) };
    const prune = { step: 'prune', sparsity: 0.9 };
    const pruneOnly = await applyRecipe(mlp, parseRecipe({ pare: 'recipe', version: 2, steps: [prune] }));
    const recipe = parseRecipe({ pare: 'recipe', version: 2, steps: [prune, { step: 'finetune', data: 'training', epochs: 1, batch: 50, seed: 1, distill: { temperature: 2, alpha: 1 } }] });
    const v = await applyRecipe(mlp, recipe, { data: training(unlabelled) });
    expect(await accuracyOf(mlp, v, train)).toBeGreaterThan(await accuracyOf(mlp, pruneOnly, train));
    const noTeacher = parseRecipe({ pare: 'recipe', version: 2, steps: [{ step: 'finetune', data: 'training', epochs: 1 }] });
    await expect(applyRecipe(mlp, noTeacher, { data: training(unlabelled) })).rejects.toThrow(/the training data has no labels; add "distill"/);
  });

  it('stopTraining ends training, keeps the best checkpoint and runs the later steps; the signal cancels the recipe', async () => {
    const recipe = parseRecipe({ pare: 'recipe', version: 2, steps: [{ step: 'prune', sparsity: 0.8 }, { step: 'finetune', data: 'training', epochs: 3, batch: 50, seed: 1 }, { step: 'quantize', default: 'uint8' }] });
    const stop = new AbortController();
    const v = await applyRecipe(mlp, recipe, { data: training(), stopTraining: stop.signal, onTraining: (p) => p.kind === 'batch' && p.epoch === 2 && p.batch === 2 && stop.abort() });
    expect(v.warnings.map((w) => w.message)).toContainEqual(expect.stringMatching(/Training was cancelled after 20 of 54 steps \(1 full epoch\); kept epoch 1/));
    expect(v.weights.every((w) => w.stored)).toBe(true);
    const cancel = new AbortController();
    await expect(applyRecipe(mlp, recipe, { data: training(), signal: cancel.signal, onTraining: (p) => p.kind === 'batch' && p.batch === 2 && cancel.abort() })).rejects.toMatchObject({ code: 'cancelled' });
  });
});
