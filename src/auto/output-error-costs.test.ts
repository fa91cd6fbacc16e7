import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../cli/backend';
import { openSample, trainingSet } from '../calibrate/testing/fashion';
import { InputStatsCache } from '../calibrate/stats-cache';
import { sliceDataset } from '../evaluate/dataset-slice';
import type { OpenedModel } from '../model/types';
import { parseRecipe } from '../recipe/schema';
import { outputErrorCosts } from './output-error-costs';

let mlp: OpenedModel;
beforeAll(async () => {
  await useBackend('wasm');
  mlp = await openSample('fashion-mlp');
});

// The sample MLP on 64 Fashion-MNIST training images: every kernel rounded with one-pass gptq at each width.
describe('outputErrorCosts', () => {
  const samples = 64;
  const uniform = (bits: number) =>
    parseRecipe({ pare: 'recipe', version: 2, steps: [{ step: 'quantize', default: bits === 8 ? 'uint8' : { bits }, method: 'gptq', sequential: false, data: 'calibration', samples }] });
  const widths = [8, 6, 4, 2];

  it('ranks every kernel worse the coarser it is stored, from one capture, and the same twice', async () => {
    const dataset = sliceDataset(trainingSet(mlp), 0, samples, 'calibration');
    const cache = new InputStatsCache();
    const costs = await outputErrorCosts(mlp, { fingerprint: 'f', dataset, statsCache: cache }, uniform, widths, { samples });
    const kernels = mlp.weights.filter((w) => w.prunable);
    expect(costs.tensors).toEqual(kernels.map((w) => ({ tensor: w.name, params: w.values.length })));
    for (const { tensor } of costs.tensors) {
      const losses = [16, ...widths].map((b) => costs.loss(tensor, b));
      expect(losses[0]).toBe(0);
      for (let i = 1; i < losses.length; i++) expect(losses[i]!).toBeGreaterThan(losses[i - 1]!);
      // Relative errors of a layer's output: small at 8 bits, large (but finite) at 2.
      expect(losses[1]!).toBeLessThan(1e-3);
      expect(losses.at(-1)!).toBeLessThan(10);
    }
    // The Gram matrices were captured once; every later width reused them.
    expect(cache.hits).toBe(widths.length - 1);
    expect(() => costs.loss(costs.tensors[0]!.tensor, 5)).toThrow('no output error');
    const again = await outputErrorCosts(mlp, { fingerprint: 'f', dataset }, uniform, widths, { samples });
    for (const { tensor } of costs.tensors) for (const b of widths) expect(again.loss(tensor, b)).toBe(costs.loss(tensor, b));
  }, 120_000);
});
