import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../cli/backend';
import { inMemoryDataset, type Dataset } from '../evaluate/dataset';
import { countZeros } from '../prune';
import { seededRandom } from '../seeded-random';
import { trainLayersModel } from './loop';
import { maskOfZeros } from './masks';
import { accuracyOn, firstSamples, loadForTraining, prunedWorking, sampleMlp, weightValues } from './testing/sample-training';
import type { TrainProgress } from './types';

let train: Dataset;
let mlp: Awaited<ReturnType<typeof sampleMlp>>['model'];

beforeAll(async () => {
  await useBackend('wasm');
  const s = await sampleMlp();
  mlp = s.model;
  train = firstSamples(s.train, 1200);
});

const kernels = ['fc1/kernel', 'fc2/kernel', 'fc3/kernel'];

function masksOf(model: tf.LayersModel): Map<string, Float32Array> {
  const values = weightValues(model);
  return new Map(kernels.map((k) => [k, maskOfZeros(values.get(k)!)]));
}

describe('trainLayersModel on wasm', () => {
  it('raises the training-set accuracy of the sample MLP pruned to 90%, and keeps every pruned weight at zero', async () => {
    const model = await loadForTraining(prunedWorking(mlp, 0.9));
    const masks = masksOf(model);
    const before = accuracyOn(model, train);
    const progress: TrainProgress[] = [];
    const r = await trainLayersModel(model, train, {
      epochs: 2, batch: 64, learningRate: 1e-3, seed: 1, output: 'logits', masks, onProgress: (p) => progress.push(p),
    });
    const after = accuracyOn(model, train);
    expect(after).toBeGreaterThan(before + 0.05);
    expect(r.stopped).toBe('completed');
    expect(r.history).toHaveLength(2);
    expect(r.best?.validationAccuracy).toBeGreaterThan(0.5);
    const values = weightValues(model);
    for (const k of kernels) {
      const m = masks.get(k)!;
      const v = values.get(k)!;
      for (let i = 0; i < m.length; i++) if (m[i] === 0) expect(v[i]).toBe(0);
    }
    const batches = progress.filter((p) => p.kind === 'batch');
    // 1,080 training samples after the 10% split: 17 batches an epoch.
    expect(batches).toHaveLength(34);
    expect(batches[0]).toMatchObject({ epoch: 1, batch: 1, batches: 17, epochs: 2 });
    expect(batches.every((p) => p.kind === 'batch' && p.samplesPerSecond > 0 && p.etaSeconds >= 0)).toBe(true);
    expect(progress.filter((p) => p.kind === 'epoch')).toHaveLength(2);
    model.dispose();
  });

  it('keeps masked weights exactly zero for any mask (property)', async () => {
    const data = inMemoryDataset({
      kind: 'generated', sampleShape: [6], classNames: [], classSource: 'none', labelled: true, preprocessing: null, skipped: [],
      description: 'random', labels: Int32Array.from({ length: 40 }, (_, i) => i % 3),
      inputs: Float32Array.from({ length: 240 }, seededRandom(3)),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.boolean(), { minLength: 6 * 5, maxLength: 6 * 5 }), fc.array(fc.boolean(), { minLength: 15, maxLength: 15 }), fc.integer({ min: 0, max: 1000 }), async (m1, m2, seed) => {
        const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [6], units: 5, activation: 'relu', name: 'a' }), tf.layers.dense({ units: 3, name: 'b' })] });
        const masks = new Map([['a/kernel', Float32Array.from(m1, Number)], ['b/kernel', Float32Array.from(m2, Number)]]);
        // The loop expects masked weights to start at zero, as pruning leaves them.
        for (const w of model.weights) {
          const m = masks.get(w.originalName);
          if (m) w.write(tf.mul(w.read(), tf.tensor(m, w.read().shape)));
        }
        await trainLayersModel(model, data, { epochs: 2, batch: 8, learningRate: 0.05, seed, output: 'logits', masks, validation: 0 });
        const values = weightValues(model);
        for (const [name, m] of masks) m.forEach((keep, i) => keep === 0 && expect(values.get(name)![i]).toBe(0));
        model.dispose();
      }),
      { numRuns: 12, seed: 5 },
    );
  });

  it('ends gradual pruning at exactly round(s * n) zeros over the named weights', async () => {
    const model = await loadForTraining(prunedWorking(mlp, 0));
    const r = await trainLayersModel(model, firstSamples(train, 600), {
      epochs: 2, batch: 50, learningRate: 1e-3, seed: 2, output: 'logits', pruning: { weights: kernels, from: 0.5, to: 0.93, every: 3 },
    });
    const values = weightValues(model);
    const n = kernels.reduce((a, k) => a + values.get(k)!.length, 0);
    const zeros = kernels.reduce((a, k) => a + countZeros(values.get(k)!), 0);
    expect(zeros).toBe(Math.round(0.93 * n));
    expect(r.bestEpoch).not.toBeNull();
    model.dispose();
  });

  it('gives the same weights for the same seed, and other weights for another', async () => {
    const runs: Map<string, Float32Array>[] = [];
    for (const seed of [7, 7, 8]) {
      const model = await loadForTraining(prunedWorking(mlp, 0.5));
      await trainLayersModel(model, firstSamples(train, 500), { epochs: 1, batch: 32, learningRate: 1e-3, seed, output: 'logits', masks: masksOf(model) });
      runs.push(weightValues(model));
      model.dispose();
    }
    const bytes = (m: Map<string, Float32Array>) => Buffer.concat([...m.values()].map((v) => Buffer.from(v.buffer, v.byteOffset, v.byteLength)));
    expect(bytes(runs[0]!).equals(bytes(runs[1]!))).toBe(true);
    expect(bytes(runs[0]!).equals(bytes(runs[2]!))).toBe(false);
  });

  it('repeats runs of a model with Dropout: each step seeds the dropout mask from the run seed', async () => {
    const data = inMemoryDataset({
      kind: 'generated', sampleShape: [6], classNames: [], classSource: 'none', labelled: true, preprocessing: null, skipped: [],
      description: 'random', labels: Int32Array.from({ length: 64 }, (_, i) => i % 3), inputs: Float32Array.from({ length: 384 }, seededRandom(9)),
    });
    const make = () => {
      const m = tf.sequential({ layers: [tf.layers.dense({ inputShape: [6], units: 16, activation: 'relu', name: 'a', kernelInitializer: 'ones' }), tf.layers.dropout({ rate: 0.5 }), tf.layers.dense({ units: 3, name: 'b', kernelInitializer: 'ones' })] });
      return m;
    };
    const runs: Float32Array[] = [];
    for (const seed of [4, 4, 5]) {
      const m = make();
      await trainLayersModel(m, data, { epochs: 2, batch: 8, learningRate: 0.01, seed, output: 'logits', validation: 0 });
      runs.push((m.getLayer('a').getWeights()[0]!.dataSync() as Float32Array).slice());
      m.dispose();
    }
    expect(Buffer.from(runs[0]!.buffer).equals(Buffer.from(runs[1]!.buffer))).toBe(true);
    expect(Buffer.from(runs[0]!.buffer).equals(Buffer.from(runs[2]!.buffer))).toBe(false);
  });

  it('stops when cancelled, keeps the best checkpoint so far and says so', async () => {
    const model = await loadForTraining(prunedWorking(mlp, 0.9));
    const controller = new AbortController();
    let afterEpoch1: Map<string, Float32Array> | null = null;
    const r = await trainLayersModel(model, firstSamples(train, 640), {
      epochs: 3, batch: 64, learningRate: 1e-3, seed: 1, output: 'logits',
      signal: controller.signal,
      onProgress: (p) => {
        if (p.kind === 'epoch' && p.epoch === 1) afterEpoch1 = weightValues(model);
        if (p.kind === 'batch' && p.epoch === 2 && p.batch === 3) controller.abort();
      },
    });
    expect(r.stopped).toBe('cancelled');
    expect(r.bestEpoch).toBe(1);
    expect(r.steps).toBe(9 + 3);
    expect(r.summary).toMatch(/^Training was cancelled after 12 of 27 steps \(1 full epoch\); kept epoch 1 \(validation accuracy/);
    const now = weightValues(model);
    for (const [name, v] of afterEpoch1!) expect(Buffer.from(now.get(name)!.buffer).equals(Buffer.from(v.buffer))).toBe(true);
    model.dispose();
  });

  it('leaves no tensor behind: masks, optimizer state, teacher outputs and batches are all freed', async () => {
    const model = await loadForTraining(prunedWorking(mlp, 0.8));
    const teacher = await loadForTraining(prunedWorking(mlp, 0));
    const before = tf.memory().numTensors;
    await trainLayersModel(model, firstSamples(train, 200), {
      epochs: 2, batch: 32, learningRate: 1e-3, seed: 1, output: 'logits', masks: masksOf(model),
      pruning: { weights: kernels, from: 0.8, to: 0.9 }, teacher: { model: teacher, spec: { loss: 'soft-targets', temperature: 3, alpha: 0.5 } },
    });
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
    teacher.dispose();
  });

  it('refuses labels the model has no output for, naming the sample', async () => {
    const model = await loadForTraining(prunedWorking(mlp, 0));
    const bad = firstSamples(train, 20);
    const labels = bad.labels!.slice();
    labels[4] = 12;
    await expect(trainLayersModel(model, { ...bad, labels, batch: bad.batch }, { epochs: 1, batch: 8, learningRate: 1e-3, seed: 1 })).rejects.toThrow(
      'Training sample 5 has label 12, and the model has 10 outputs (labels 0 to 9).',
    );
    model.dispose();
  });
});
