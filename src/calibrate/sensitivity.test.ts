/**
 * Sensitivity analysis on the sample MLP with Fashion-MNIST training images, and on a real graph model: rows per
 * prunable tensor, each point what applying that one-tensor setting as a recipe measures, cancel keeps the rows
 * done, and the opened model is left untouched.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../cli/backend';
import { inMemoryDataset } from '../evaluate/dataset';
import { sliceDataset } from '../evaluate/dataset-slice';
import { openModel } from '../formats';
import { readInput } from '../cli/read-input';
import type { OpenedModel } from '../model/types';
import { applyRecipe } from '../recipe/apply';
import { parseRecipe } from '../recipe/schema';
import { seededRandom } from '../seeded-random';
import { sensitivity } from './sensitivity';
import { accuracyOf, openSample, testSubset, trainingSet } from './testing/fashion';

describe('sensitivity on the sample MLP', () => {
  let model: OpenedModel;
  beforeAll(async () => {
    await useBackend('wasm');
    model = await openSample('fashion-mlp');
  }, 60_000);

  it('gives a row per prunable tensor in the model order, each point what the one-tensor recipe measures', async () => {
    const data = trainingSet(model);
    const before = model.weights.map((w) => Float32Array.from(w.values as Float32Array));
    const seen: string[] = [];
    const r = await sensitivity(model, data, { samples: 200, sparsities: [0.5, 0.9], bits: [8, 2], onRow: (row) => seen.push(row.tensor) });
    expect(r.complete).toBe(true);
    expect(r.rows.map((row) => row.tensor)).toEqual(['fc1/kernel', 'fc2/kernel', 'fc3/kernel']);
    expect(seen).toEqual(r.rows.map((row) => row.tensor));
    expect(r.data).toContain('samples 1–200');
    const fc1 = r.rows[0]!;
    const [p50, p90, q8, q2] = fc1.points;
    // More pruning costs more; 8 bits cost almost nothing; 2 bits of the widest layer cost something.
    expect(p90!.accuracy!).toBeLessThanOrEqual(p50!.accuracy!);
    expect(Math.abs(r.original.accuracy! - q8!.accuracy!)).toBeLessThan(0.01);
    expect(q2!.cosine).toBeLessThan(q8!.cosine);
    expect(fc1.score).toBeCloseTo(Math.max(0, ...fc1.points.map((p) => (r.original.accuracy! - p.accuracy!) * 100)), 9);

    // A point is what applying that setting as a recipe and measuring on the same samples gives.
    const variant = await applyRecipe(model, parseRecipe({ pare: 'recipe', version: 2, steps: [{ step: 'prune', perTensor: [{ match: 'fc1/kernel', sparsity: 0.9 }] }] }));
    expect(await accuracyOf(model, variant, sliceDataset(data, 0, 200, 'check'))).toBe(p90!.accuracy);
    // The opened model is untouched.
    model.weights.forEach((w, i) => expect(w.values).toEqual(before[i]));
  }, 120_000);

  it('keeps the rows done when cancelled', async () => {
    const stop = new AbortController();
    const r = await sensitivity(model, trainingSet(model), { samples: 64, sparsities: [0.5], bits: [4], signal: stop.signal, onRow: () => stop.abort() });
    expect(r.complete).toBe(false);
    expect(r.rows.map((row) => row.tensor)).toEqual(['fc1/kernel']);
    expect(r.original.accuracy).not.toBeNull();
  }, 60_000);

  it('names a tensor that is not prunable', async () => {
    await expect(sensitivity(model, testSubset(model), { tensors: ['fc1/bias'] })).rejects.toMatchObject({ code: 'bad-options', message: expect.stringContaining("'fc1/bias'") });
  });
});

describe('sensitivity on a real graph model (human emotion)', () => {
  it('measures fidelity without labels, reloading the model per setting', async () => {
    await useBackend('wasm');
    const emotion = await openModel(await readInput('.fixtures/real/human-emotion'));
    const random = seededRandom(3);
    const data = inMemoryDataset({
      kind: 'generated',
      sampleShape: [64, 64, 1],
      classNames: [],
      classSource: 'none',
      labelled: false,
      preprocessing: null,
      skipped: [],
      description: '16 random images',
      inputs: Float32Array.from({ length: 16 * 64 * 64 }, () => random()),
      labels: null,
    });
    const first = emotion.weights.find((w) => w.prunable)!.name;
    const r = await sensitivity(emotion, data, { samples: 16, sparsities: [0.9], bits: [2], tensors: [first] });
    expect(r.original.accuracy).toBeNull();
    const [pruned, twoBit] = r.rows[0]!.points;
    expect(pruned!.accuracy).toBeNull();
    expect(pruned!.cosine).toBeLessThan(1);
    expect(twoBit!.cosine).toBeLessThan(1);
    expect(r.rows[0]!.score).toBeCloseTo(Math.max((1 - pruned!.cosine) * 100, (1 - twoBit!.cosine) * 100), 9);
  }, 120_000);
});
