/**
 * The backward pass of a real published model on wasm: nsfwjs's MobileNetV2 (Conv2D with strides 2, depthwise
 * convolutions, batch norm, ReLU6, global pooling) fits with Pare's gradient kernels, where stock TF.js 4.22 fails
 * with "kernel not registered". The inputs are seeded noise: what is checked is that every weight gets a finite,
 * non-zero update, on wasm.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../cli/backend';
import { inMemoryDataset } from '../evaluate/dataset';
import { openModel } from '../formats';
import { readInput } from '../cli/read-input';
import { seededRandom } from '../seeded-random';
import { trainLayersModel } from './loop';
import { trainingTopology } from './training-topology';

beforeAll(async () => {
  await useBackend('wasm');
});

describe('a real MobileNetV2 on wasm', () => {
  it('trains a step: every trainable weight moves, by finite amounts', { timeout: 120_000 }, async () => {
    const opened = await openModel(await readInput('.fixtures/real/nsfwjs-mobilenet-v2'));
    const { topology, output } = trainingTopology(opened.artifacts.modelTopology);
    expect(output).toBe('logits');
    const model = await tf.loadLayersModel(tf.io.fromMemory({ ...opened.artifacts, modelTopology: topology as tf.io.ModelArtifacts['modelTopology'] }));
    expect(tf.getBackend()).toBe('wasm');
    const before = model.trainableWeights.map((w) => (w.read().dataSync() as Float32Array).slice());
    const n = 2;
    const data = inMemoryDataset({
      kind: 'generated', sampleShape: [224, 224, 3], classNames: [], classSource: 'none', labelled: true, preprocessing: null, skipped: [],
      description: 'noise', labels: Int32Array.from([1, 3]), inputs: Float32Array.from({ length: n * 224 * 224 * 3 }, seededRandom(1)),
    });
    const r = await trainLayersModel(model, data, { epochs: 1, batch: n, learningRate: 1e-3, seed: 1, output, validation: 0 });
    expect(r.steps).toBe(1);
    expect(Number.isFinite(r.history[0]!.loss)).toBe(true);
    let nonFinite = 0;
    const moved = model.trainableWeights.filter((w, i) => {
      const now = w.read().dataSync() as Float32Array;
      let changed = false;
      for (let k = 0; k < now.length; k++) {
        if (!Number.isFinite(now[k]!)) nonFinite++;
        if (now[k] !== before[i]![k]) changed = true;
      }
      return changed;
    });
    expect(nonFinite).toBe(0);
    expect(moved.map((w) => w.originalName)).toEqual(model.trainableWeights.map((w) => w.originalName));
    expect(model.layers.some((l) => l.getClassName() === 'DepthwiseConv2D')).toBe(true);
    model.dispose();
  });
});
