import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { PareError } from '../errors';
import { loadFixtureGraphModel } from '../evaluate/testing/load-fixture';
import { benchmarkInput, benchmarkLatency, LatencyCancelled } from './latency';

beforeAll(async () => {
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
});

/** A 784-32-10 MLP: 25,450 float32 weights = 101,800 bytes. */
async function mlp(): Promise<tf.LayersModel> {
  return tf.sequential({
    layers: [
      tf.layers.dense({ units: 32, inputShape: [784], activation: 'relu' }),
      tf.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
}

describe('benchmarkLatency', () => {
  it('times load, a cold run and timed runs, and leaks no tensors', async () => {
    const before = tf.memory().numTensors;
    const progress: number[] = [];
    const r = await benchmarkLatency(mlp, { warmup: 2, minRuns: 5, maxRuns: 8, budgetMs: 0, onProgress: (p) => progress.push(p.done) });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.complete).toBe(true);
    expect(r.backend).toBe('cpu');
    expect(r.inputShape).toEqual([1, 784]);
    expect(r.runs).toBe(5); // budget 0: stops at minRuns
    expect(r.timesMs).toHaveLength(5);
    expect(progress).toEqual([1, 2, 3, 4, 5]);
    expect(r.p10Ms).toBeLessThanOrEqual(r.medianMs);
    expect(r.medianMs).toBeLessThanOrEqual(r.p90Ms);
    expect(r.minMs).toBe(Math.min(...r.timesMs));
    expect(r.coldMs).toBeGreaterThan(0);
    expect(r.loadMs).toBeGreaterThanOrEqual(0);
    // The weights alone are 101,800 bytes; a run adds the input and activations on top.
    expect(r.peakBytes).toBeGreaterThanOrEqual(101_800 + 784 * 4);
  });

  it('stops at maxRuns however large the budget, and takes a batch', async () => {
    const r = await benchmarkLatency(mlp, { batch: 4, warmup: 0, minRuns: 1, maxRuns: 3, budgetMs: 60_000 });
    expect(r.runs).toBe(3);
    expect(r.inputShape).toEqual([4, 784]);
  });

  it('cancels with the runs done so far, disposing the model', async () => {
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    let caught: unknown;
    try {
      await benchmarkLatency(mlp, {
        minRuns: 50,
        maxRuns: 50,
        signal: controller.signal,
        onProgress: (p) => p.done === 3 && controller.abort(),
      });
    } catch (e) {
      caught = e;
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(caught).toBeInstanceOf(LatencyCancelled);
    expect((caught as LatencyCancelled).code).toBe('cancelled');
    expect((caught as LatencyCancelled).partial!.runs).toBe(3);
    expect((caught as LatencyCancelled).partial!.complete).toBe(false);
  });

  it('refuses bad counts', async () => {
    await expect(benchmarkLatency(mlp, { batch: 0 })).rejects.toThrow('The batch size must be a whole number of at least 1; got 0.');
    await expect(benchmarkLatency(mlp, { minRuns: 5, maxRuns: 2 })).rejects.toThrow(PareError);
  });

  it('benchmarks a real graph model (.fixtures/real/human-emotion) without leaks', async () => {
    const before = tf.memory().numTensors;
    const r = await benchmarkLatency(() => loadFixtureGraphModel('human-emotion'), { warmup: 1, minRuns: 3, maxRuns: 3 });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.inputShape).toEqual([1, 64, 64, 1]);
    expect(r.runs).toBe(3);
    // emotion.bin holds 820,516 bytes of float32 weights; they are all in memory during a run.
    expect(r.peakBytes).toBeGreaterThan(820_000);
  });
});

describe('benchmarkInput', () => {
  it('fills free dimensions and follows the input dtype and range', () => {
    const ids = tf.input({ shape: [5], dtype: 'int32' });
    const model = tf.model({ inputs: ids, outputs: tf.layers.embedding({ inputDim: 256, outputDim: 2 }).apply(ids) as tf.SymbolicTensor });
    const x = benchmarkInput(model, 2);
    expect(x.dtype).toBe('int32');
    expect(x.shape).toEqual([2, 5]);
    const v = x.dataSync();
    expect(v.every((n) => Number.isInteger(n) && n >= 0 && n <= 255)).toBe(true);
    x.dispose();
    model.dispose();
  });

  it('refuses a batch a fixed-batch graph model cannot take', async () => {
    const face = await loadFixtureGraphModel('human-blazeface');
    try {
      expect(() => benchmarkInput(face, 2)).toThrow("The model's input [1, 256, 256, 3] takes batches of 1 only; a batch of 2 was asked for.");
      const x = benchmarkInput(face, 1);
      expect(x.shape).toEqual([1, 256, 256, 3]);
      const v = x.dataSync();
      expect(v.every((n) => n >= 0 && n <= 1)).toBe(true);
      x.dispose();
    } finally {
      face.dispose();
    }
  });
});
