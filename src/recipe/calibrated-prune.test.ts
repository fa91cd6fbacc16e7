/**
 * The prune step with calibration data, on the shipped Fashion-MNIST samples: calibrated on training images,
 * measured on the held-out test subset.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { accuracyOf, openSample, testSubset, trainingSet } from '../calibrate/testing/fashion';
import type { Dataset } from '../evaluate/dataset';
import { useBackend } from '../cli/backend';
import type { OpenedModel } from '../model/types';
import { exportVariant } from '../export';
import { expectStockRoundTrip, randomInputs } from '../export/testing/roundtrip';
import { applyRecipe } from './apply';
import { parseRecipe } from './schema';

let mlp: OpenedModel;
let cnn: OpenedModel;
let train: Dataset;
let test: Dataset;
// wasm, as the studio and the CLI run: the calibration passes and the evaluations are several times faster than on cpu.
beforeAll(async () => {
  await useBackend('wasm');
  mlp = await openSample('fashion-mlp');
  cnn = await openSample('fashion-cnn');
  train = trainingSet(mlp);
  test = testSubset(mlp);
});

const recipe = (method: string, sparsity: number, extra: object = {}) =>
  parseRecipe({ pare: 'recipe', version: 2, steps: [{ step: 'prune', default: sparsity, method, ...(method === 'magnitude' ? {} : { data: 'calibration', samples: 256 }), ...extra }] });
const calibration = () => ({ calibration: { fingerprint: 'sha256:train', dataset: train } });
const zeros = (v: ArrayLike<number>) => Array.prototype.filter.call(v, (x: number) => x === 0).length;

describe('pruning with calibration data', () => {
  it('obs and wanda keep more accuracy than magnitude at 80% in every layer of the MLP, at exactly the same sparsity', async () => {
    const acc: Record<string, number> = {};
    for (const method of ['magnitude', 'wanda', 'obs']) {
      const v = await applyRecipe(mlp, recipe(method, 0.8), { data: calibration() });
      mlp.weights.forEach((w, i) => {
        if (w.prunable) expect(zeros(v.weights[i]!.values)).toBe(Math.round(0.8 * w.values.length));
        else expect(v.weights[i]!.values).toBe(w.values);
      });
      acc[method] = await accuracyOf(mlp, v, test);
    }
    expect(acc.obs).toBeGreaterThan(acc.magnitude! + 0.02);
    expect(acc.wanda).toBeGreaterThan(acc.magnitude!);
  });

  it('a global target with obs: each tensor loses what the magnitude threshold takes from it, and accuracy beats magnitude at 80%', async () => {
    const global = (method: string) =>
      parseRecipe({ pare: 'recipe', version: 2, steps: [{ step: 'prune', sparsity: 0.8, method, ...(method === 'obs' ? { data: 'calibration', samples: 256 } : {}) }] });
    const mag = await applyRecipe(mlp, global('magnitude'));
    const obs = await applyRecipe(mlp, global('obs'), { data: calibration() });
    mlp.weights.forEach((w, i) => w.prunable && expect(zeros(obs.weights[i]!.values)).toBe(zeros(mag.weights[i]!.values)));
    expect(obs.stats.prunedSparsity).toBe(mag.stats.prunedSparsity);
    expect(await accuracyOf(mlp, obs, test)).toBeGreaterThan((await accuracyOf(mlp, mag, test)) + 0.02);
  });

  it('records the calibration fingerprint and the backend, and gives the same bytes twice', async () => {
    const r = recipe('obs', 0.6, { samples: 64 });
    const a = await applyRecipe(mlp, r, { data: calibration() });
    const b = await applyRecipe(mlp, r, { data: calibration() });
    expect(a.applied).toEqual({ data: { calibration: 'sha256:train' }, backend: 'wasm' });
    a.weights.forEach((w, i) => expect(Buffer.from(w.stored.bytes).equals(Buffer.from(b.weights[i]!.stored.bytes))).toBe(true));
  });

  it('covers Conv2D kernels: the CNN pruned with obs beats magnitude at 70%', async () => {
    const mag = await accuracyOf(cnn, await applyRecipe(cnn, recipe('magnitude', 0.7)), test);
    const obs = await accuracyOf(cnn, await applyRecipe(cnn, recipe('obs', 0.7, { samples: 128 }), { data: calibration() }), test);
    expect(obs).toBeGreaterThan(mag);
  });

  it('keeps the zeros of an earlier prune step (masks survive the updates)', async () => {
    const r = parseRecipe({ pare: 'recipe', version: 2, steps: [{ step: 'prune', sparsity: 0.5 }, { step: 'prune', default: 0.7, method: 'obs', data: 'calibration', samples: 128 }] });
    const first = await applyRecipe(mlp, parseRecipe({ pare: 'recipe', version: 2, steps: [r.steps[0]] }));
    const v = await applyRecipe(mlp, r, { data: calibration() });
    mlp.weights.forEach((w, i) => {
      if (!w.prunable) return;
      first.weights[i]!.values.forEach((x, j) => x === 0 && expect(v.weights[i]!.values[j]).toBe(0));
    });
  });
});

describe('quantizing with calibration data', () => {
  it('gptq at 3 bits keeps more accuracy than nearest rounding on the same per-tensor grid, zeros kept, stock-loadable bytes', async () => {
    const steps = (method: string) => [
      { step: 'prune', sparsity: 0.5 },
      { step: 'quantize', default: { bits: 3 }, method, ...(method === 'gptq' ? { data: 'calibration', samples: 256 } : {}) },
    ];
    const pruned = await applyRecipe(mlp, parseRecipe({ pare: 'recipe', version: 2, steps: steps('nearest').slice(0, 1) }));
    const near = await applyRecipe(mlp, parseRecipe({ pare: 'recipe', version: 2, steps: steps('nearest') }));
    const gptqRecipe = parseRecipe({ pare: 'recipe', version: 2, steps: steps('gptq') });
    const gptq = await applyRecipe(mlp, gptqRecipe, { data: calibration() });
    mlp.weights.forEach((w, i) => {
      const [a, b] = [near.weights[i]!, gptq.weights[i]!];
      // The same grid and bytes per tensor; only which level each weight takes differs.
      expect(b.stored.quantization).toEqual(a.stored.quantization);
      expect(b.stored.bytes.byteLength).toBe(a.stored.bytes.byteLength);
      pruned.weights[i]!.values.forEach((x, j) => x === 0 && expect(b.values[j]).toBe(0));
    });
    expect(gptq.weights.some((w, i) => !Buffer.from(w.stored.bytes).equals(Buffer.from(near.weights[i]!.stored.bytes)))).toBe(true);
    await expectStockRoundTrip(mlp, gptq, exportVariant(mlp, gptq, gptqRecipe).files, randomInputs(mlp, 3));
    expect(await accuracyOf(mlp, gptq, test)).toBeGreaterThan(await accuracyOf(mlp, near, test));
  });
});
