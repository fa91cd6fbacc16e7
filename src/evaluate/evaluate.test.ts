import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PareError } from '../errors';
import { inMemoryDataset, type Dataset } from './dataset';
import { evaluateModel, EvaluationCancelled, type Progress } from './evaluate';
import { inferPreprocessing } from './preprocessing';
import { ReferenceOutputs } from './reference-outputs';
import { loadFixtureGraphModel } from './testing/load-fixture';

/** softmax(x · k I): the identity for k = 1, sharper for larger k. */
function scaledIdentityModel(k: number): tf.LayersModel {
  const model = tf.sequential({
    layers: [tf.layers.dense({ units: 3, inputShape: [3], useBias: false, activation: 'softmax' })],
  });
  tf.tidy(() => model.setWeights([tf.eye(3).mul(k)]));
  return model;
}

// Six samples; the model predicts the hot position. Labels make 4 right, 2 wrong.
const X = [5, 0, 0, 0, 5, 0, 0, 0, 5, 5, 0, 0, 0, 5, 0, 0, 0, 5];
const Y = [0, 1, 2, 1, 1, 0];

function data(labelled = true): Dataset {
  return inMemoryDataset({
    kind: 'csv',
    sampleShape: [3],
    classNames: ['a', 'b', 'c'],
    classSource: 'model',
    labelled,
    preprocessing: null,
    skipped: [],
    description: 'six samples',
    inputs: Float32Array.from(X),
    labels: labelled ? Int32Array.from(Y) : null,
  });
}

let model: tf.LayersModel;
let sharper: tf.LayersModel;
beforeAll(async () => {
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
  model = scaledIdentityModel(1);
  sharper = scaledIdentityModel(2);
});
afterAll(() => {
  model.dispose();
  sharper.dispose();
});

describe('evaluateModel', () => {
  it('gives the hand-computed accuracy, confusion and loss, over uneven batches, leaking no tensors', async () => {
    const before = tf.memory().numTensors;
    const progress: Progress[] = [];
    const r = await evaluateModel(model, data(), { batchSize: 4, onProgress: (p) => progress.push(p) });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.complete).toBe(true);
    expect(r.samples).toBe(6);
    expect(r.accuracy!.accuracy).toBeCloseTo(4 / 6, 10);
    expect(r.accuracy!.confusion).toEqual([
      [1, 0, 1],
      [1, 2, 0],
      [0, 0, 1],
    ]);
    expect(r.accuracy!.perClass.map((c) => c.accuracy)).toEqual([0.5, 2 / 3, 1]);
    // Right: p = e^5 / (e^5 + 2), so -ln p = ln(e^5 + 2) - 5; wrong: p = 1 / (e^5 + 2).
    const z = Math.log(Math.exp(5) + 2);
    expect(r.accuracy!.loss).toBeCloseTo((4 * (z - 5) + 2 * z) / 6, 5);
    expect(r.accuracy!.outputs).toBe('probabilities');
    expect(r.fidelity).toBeNull();
    expect(progress.map((p) => [p.done, p.total])).toEqual([[4, 6], [6, 6]]);
    expect(progress[1].etaMs).toBe(0);
  });

  it('measures fidelity against a reference on the same inputs', async () => {
    const before = tf.memory().numTensors;
    const self = await evaluateModel(model, data(), { reference: model, batchSize: 5 });
    expect(self.fidelity).toEqual({ samples: 6, agreement: 1, cosine: 1, maxAbsDiff: 0, relativeError: 0, weakProxy: false });
    const r = await evaluateModel(sharper, data(false), { reference: model });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.accuracy).toBeNull();
    expect(r.fidelity!.agreement).toBe(1);
    // Largest difference: the hot output, e^10/(e^10+2) - e^5/(e^5+2).
    const hot = (k: number) => Math.exp(5 * k) / (Math.exp(5 * k) + 2);
    expect(r.fidelity!.maxAbsDiff).toBeCloseTo(hot(2) - hot(1), 5);
    const cos = (hot(1) * hot(2) + 2 * ((1 - hot(1)) / 2) * ((1 - hot(2)) / 2)) /
      Math.sqrt((hot(1) ** 2 + 2 * ((1 - hot(1)) / 2) ** 2) * (hot(2) ** 2 + 2 * ((1 - hot(2)) / 2) ** 2));
    expect(r.fidelity!.cosine).toBeCloseTo(cos, 6);
  });

  it('with the reference outputs kept, runs the reference once per batch of a data set and measures the same', async () => {
    const fresh = await evaluateModel(sharper, data(false), { reference: model, batchSize: 4 });
    const kept = new ReferenceOutputs(model);
    const runs = vi.spyOn(model, 'predict');
    const same = data(false);
    const first = await evaluateModel(sharper, same, { reference: kept, batchSize: 4 });
    const second = await evaluateModel(sharper, same, { reference: kept, batchSize: 4 });
    expect(runs).toHaveBeenCalledTimes(2);
    // Another data set (even with the same samples) runs it again.
    await evaluateModel(sharper, data(false), { reference: kept, batchSize: 4 });
    expect(runs).toHaveBeenCalledTimes(4);
    runs.mockRestore();
    expect(first.fidelity).toEqual(fresh.fidelity);
    expect(second.fidelity).toEqual(fresh.fidelity);
  });

  it('with no data, measures fidelity on generated inputs and flags it as a weak proxy', async () => {
    const before = tf.memory().numTensors;
    const r = await evaluateModel(sharper, null, { reference: model, generated: { count: 40 } });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.samples).toBe(40);
    expect(r.data.kind).toBe('generated');
    expect(r.fidelity!.weakProxy).toBe(true);
    expect(r.fidelity!.maxAbsDiff).toBeGreaterThan(0);
    expect(r.warnings.map((w) => w.code)).toContain('weak-proxy');
    expect(r.warnings[0].message).toMatch(/40 generated samples \(uniform random pixels/);
  });

  it('stops when cancelled, throwing PareError("cancelled") that keeps the batches done', async () => {
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    let caught: unknown;
    try {
      await evaluateModel(model, data(), {
        batchSize: 2,
        signal: controller.signal,
        onProgress: (p) => p.done === 4 && controller.abort(),
      });
    } catch (e) {
      caught = e;
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(caught).toBeInstanceOf(EvaluationCancelled);
    expect(caught).toBeInstanceOf(PareError);
    const c = caught as EvaluationCancelled;
    expect(c.code).toBe('cancelled');
    expect(c.partial.complete).toBe(false);
    expect(c.partial.samples).toBe(4);
    expect(c.partial.accuracy!.accuracy).toBe(3 / 4); // samples 1-4: right, right, right, wrong
    expect(c.message).toBe('Evaluation was cancelled after 4 samples; the results so far are kept.');
  });

  it('says when there is nothing to measure against, or the data does not fit', async () => {
    await expect(evaluateModel(model, null)).rejects.toThrow(/Nothing to measure against/);
    await expect(evaluateModel(model, data(false))).rejects.toThrow(/has no labels/);
    const wrong = inMemoryDataset({ ...data(), sampleShape: [2], inputs: new Float32Array(4) });
    await expect(evaluateModel(model, wrong)).rejects.toThrow(
      "The data's samples have shape [2]; the model's input [null, 3] takes [3].",
    );
    await expect(evaluateModel(model, data(), { batchSize: 0 })).rejects.toThrow(/batch size/);
  });
});

describe('evaluateModel on a real graph model (.fixtures/real/human-emotion)', () => {
  it('runs fidelity of the model against itself on generated [-1, 64, 64, 1] inputs without leaks', async () => {
    const emotion = await loadFixtureGraphModel('human-emotion');
    try {
      const before = tf.memory().numTensors;
      const r = await evaluateModel(emotion, null, { reference: emotion, generated: { count: 6 }, batchSize: 4 });
      expect(tf.memory().numTensors).toBe(before);
      expect(r.fidelity).toEqual({ samples: 6, agreement: 1, cosine: 1, maxAbsDiff: 0, relativeError: 0, weakProxy: true });
      expect(inferPreprocessing([-1, 64, 64, 1]).height).toBe(64);
    } finally {
      emotion.dispose();
    }
  });
});
