/**
 * Recovery training over a fake worker client: it needs data (and labels or distillation), trains the compress
 * controls' recipe with a finetune step before quantization on the first samples and validates on the next,
 * holds both out of measurement, fills the curves as reports stream, and adds the variant; Stop keeps the best
 * epoch (the variant is the recipe recorded with stopAfter) and Resume trains the rest; Cancel makes nothing.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { FinetuneStep } from '../../src/recipe/steps';
import { recipeHash } from '../../src/recipe/schema';
import { cancelJob, openDataFiles, setGlobalSparsity, setPrecision } from './actions';
import { fakeSourceFiles, fakeTraining, type FakeClient } from './fake-client';
import { freshStudioWithModel } from './fake-studio';
import { recoverSettingsOf, resumeRecovery, setRecoverSettings, startRecovery, stopTraining, trainingSplitOf } from './recover-actions';
import { studio } from './store';
import type { Recipe } from '../../src/worker/api';

let client: FakeClient;
const state = () => studio.getState();
const openData = () => openDataFiles(fakeSourceFiles('t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'));

/** Training that waits for the test before each epoch. */
function pacedTraining() {
  const waiting: (() => void)[] = [];
  client.handlers.train = (_, recipe, job) => fakeTraining(recipe, job, () => new Promise<void>((resolve) => waiting.push(resolve)));
  return {
    next: async () => {
      await vi.waitFor(() => expect(waiting.length).toBeGreaterThan(0));
      waiting.shift()!();
    },
  };
}

beforeEach(async () => {
  client = await freshStudioWithModel();
  setGlobalSparsity(0.8);
  setPrecision({ bits: 4 });
});

describe('Recover', () => {
  it('needs data, and labels unless distillation is on', async () => {
    expect(await startRecovery()).toBe(false);
    expect(state().jobError).toMatchObject({ job: 'train', code: 'missing-data', message: expect.stringMatching(/open data in the Data panel/) });
    const fallback = client.handlers.openData;
    client.handlers.openData = async (...args) => {
      const d = await fallback(...args);
      return { ...d, summary: { ...d.summary, labelled: false } };
    };
    await openData();
    expect(await startRecovery()).toBe(false);
    expect(state().jobError).toMatchObject({ code: 'bad-data', message: expect.stringMatching(/no labels.*turn on distillation/) });
    setRecoverSettings({ distill: true });
    expect(await startRecovery()).toBe(true);
    expect((client.callsOf('train')[0]![1] as Recipe).steps[1]).toMatchObject({ distill: { temperature: 4, alpha: 0.5 } });
  });

  it('refuses a split that leaves less than a quarter of the data to measure, with the counts', async () => {
    await openData();
    setRecoverSettings({ trainSamples: 70, validationSamples: 10 });
    expect(await startRecovery()).toBe(false);
    expect(state().jobError?.message).toBe('Training and validation take 80 of the 100 samples, and at least a quarter must be left to measure on: use fewer.');
    expect(client.callsOf('train')).toHaveLength(0);
  });

  it("trains the controls' recipe with finetune before quantize on samples 1–60, validates on 61–75, measures on the rest", async () => {
    await openData();
    expect(trainingSplitOf(state())).toEqual({ train: 60, validation: 15, measured: 25, size: 100 });
    expect(recoverSettingsOf(state()).to).toBe(0.8);
    expect(await startRecovery()).toBe(true);
    const [[modelId, recipe, binding]] = client.callsOf('train') as [string, Recipe, object][];
    expect(modelId).toBe('model-1');
    expect(recipe.steps.map((s) => s.step)).toEqual(['prune', 'finetune', 'quantize']);
    expect(recipe.steps[1]).toMatchObject({ data: 'training', epochs: 3, batch: 64, learningRate: 0.001 });
    const dataId = state().data!.id;
    expect(binding).toEqual({ calibration: dataId, training: { dataId, start: 0, end: 60 }, validation: { dataId, start: 60, end: 75 } });
    expect(state().data!.heldOut).toBe(75);
    const t = state().training!;
    expect(t.epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(t.result).toMatchObject({ stopped: false, resume: null, note: 'Training completed.' });
    const entry = state().variants.find((v) => v.id === recipeHash(recipe))!;
    expect(entry).toMatchObject({ trainedOn: { train: 60, validation: 75 }, built: { sparsity: 0.8 } });
    expect(entry.measurement).not.toBeNull();
    expect(state().selectedId).toBe(entry.id);
    expect(client.callsOf('measure').every((a) => (a[2] as { heldOut?: number }).heldOut === 75)).toBe(true);
    // The original is measured too, on the same samples, so the charts can compare.
    expect(state().variants[0]!.measurement).not.toBeNull();
  });

  it('Stop keeps the best epoch as the recipe recorded with stopAfter; Resume trains the remaining epochs on the same axis', async () => {
    await openData();
    const pace = pacedTraining();
    const running = startRecovery();
    await pace.next();
    await vi.waitFor(() => expect(state().training!.epochs).toHaveLength(1));
    expect(state().training!.live).toMatchObject({ epoch: 0.5 });
    stopTraining();
    expect(state().training!.stopping).toBe(true);
    await pace.next();
    expect(await running).toBe(true);
    const result = state().training!.result!;
    expect(result).toMatchObject({ stopped: true, rebuildable: true, note: 'Stopped in epoch 2 of 3; kept epoch 1.' });
    const entry = state().variants.find((v) => v.id === result.entryId)!;
    expect((entry.recipe!.steps[1] as FinetuneStep).stopAfter).toBe(1);
    expect(result.resume!.steps.map((s) => s.step)).toEqual(['prune', 'finetune', 'finetune', 'quantize']);
    expect(result.resume!.steps[2]).toMatchObject({ epochs: 2 });

    const resumed = resumeRecovery();
    for (let i = 0; i < 3; i++) await pace.next();
    expect(await resumed).toBe(true);
    const t = state().training!;
    expect(t.totalEpochs).toBe(3);
    expect(t.epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(t.result).toMatchObject({ stopped: false, resume: null });
    expect(state().variants.map((v) => v.id)).toContain(recipeHash(client.callsOf('train')[1]![1] as Recipe));
  });

  it('Cancel makes no variant and keeps the curves so far', async () => {
    await openData();
    const pace = pacedTraining();
    const before = state().variants.length;
    const running = startRecovery();
    await pace.next();
    await vi.waitFor(() => expect(state().training!.epochs).toHaveLength(1));
    cancelJob();
    expect(await running).toBe(false);
    expect(state().variants).toHaveLength(before);
    expect(state().training).toMatchObject({ ended: 'cancelled', result: null });
    expect(state().training!.epochs).toHaveLength(1);
    expect(state().notice?.text).toMatch(/^Cancelled while training on samples 1–60/);
  });

  it('keeps a variant that no recipe rebuilds as pinned, and says so', async () => {
    await openData();
    client.handlers.train = async (_, recipe, job) => ({ ...(await fakeTraining(recipe, job)), stopped: true, rebuildable: false, note: 'Stopped in epoch 1 of 3, before an epoch finished.' });
    expect(await startRecovery()).toBe(true);
    const result = state().training!.result!;
    expect(result).toMatchObject({ rebuildable: false, resume: null });
    const entry = state().variants.find((v) => v.id === result.entryId)!;
    expect(entry).toMatchObject({ pinned: true, summary: expect.stringMatching(/\(stopped mid-epoch\)$/) });
  });
});
