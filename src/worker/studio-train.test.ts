/**
 * Training through the studio API, in Node over the real core, on the sample MLP and the shipped Fashion-MNIST
 * test images (training slice, validation slice, measured on the rest): Stop keeps the best checkpoint as a
 * variant recorded with "stopAfter" that a fresh worker rebuilds to the same bytes; Stop mid-epoch gives a pinned
 * variant that eviction never drops; Resume continues from the kept checkpoint; pruned zeros stay exact.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openModel } from '../formats';
import { inventoryOf } from '../model/inventory';
import type { InputFile } from '../model/types';
import { parseRecipe, type Recipe } from '../recipe/schema';
import { setupBackends } from '../runtime';
import { nodeWasmFolder } from '../runtime/node-wasm';
import type { DataBinding, JobProgress } from './api';
import { createStudioApi } from './studio-api';

const samples = join(process.cwd(), 'public', 'samples');
const read = (path: string): InputFile => ({ name: path, data: new Uint8Array(readFileSync(join(samples, path))) });
const modelFiles = () => ['fashion-mlp/model.json', 'fashion-mlp/group1-shard1of1.bin'].map(read);
const dataFiles = () =>
  ['data/fashion-mnist-test-1000-images-idx3-ubyte.gz', 'data/fashion-mnist-test-1000-labels-idx1-ubyte.gz', 'data/labels.txt'].map(read);
const studio = () => createStudioApi({ runtime: () => setupBackends({ wasmPaths: nodeWasmFolder(), probe: false }), openModel, inventoryOf });

const TRAIN = 320;
const VALIDATE = 160;
const finetune = { step: 'finetune', data: 'training', epochs: 3, batch: 32, learningRate: 0.002, seed: 1 };
const recipeWith = (...steps: object[]): Recipe => parseRecipe({ pare: 'recipe', version: 2, steps: [{ step: 'prune', sparsity: 0.8 }, ...steps, { step: 'quantize', default: { bits: 4 } }] });
const binding = (dataId: string): DataBinding => ({ training: { dataId, start: 0, end: TRAIN }, validation: { dataId, start: TRAIN, end: TRAIN + VALIDATE } });
const epochsOf = (seen: JobProgress[], where: string) => seen.filter((p) => p.streamed?.kind === 'training' && p.streamed.where === where && p.streamed.progress.kind === 'epoch').length;

describe('training in the studio worker', () => {
  const state = studio();
  const { api } = state;
  let modelId: string;
  let dataId: string;
  const zerosOf = async (id: string) => {
    const h = state.handles.get(id)!;
    const cached = state.variants.pinned(modelId, h.key) ?? (await state.variants.get(modelId, state.models.get(modelId)!, h.recipe, { key: h.key, data: h.data }));
    // Prunable tensors only: 4-bit storage may round a tiny bias to zero in one variant and not in another.
    const prunable = state.models.get(modelId)!.weights.map((w) => w.prunable);
    return cached.variant.weights.map((w, i) => (prunable[i] ? Array.from(w.values, (x) => x === 0) : []));
  };

  beforeAll(async () => {
    modelId = (await api.openModel(modelFiles())).id;
    dataId = (await api.openData(modelId, dataFiles())).id;
  }, 60_000);

  it('Stop after epoch 1 keeps it: recorded as "stopAfter": 1, a handle of its own, measured on the rest, rebuilt to the same bytes', async () => {
    const recipe = recipeWith(finetune);
    const stop = new AbortController();
    const seen: JobProgress[] = [];
    const ref = await api.train(modelId, recipe, {
      stop: stop.signal,
      onProgress: (p) => {
        seen.push(p);
        if (p.streamed?.kind === 'training' && p.streamed.progress.kind === 'epoch') stop.abort();
      },
    }, binding(dataId));
    expect(ref).toMatchObject({ stopped: true, rebuildable: true });
    expect(ref.note).toMatch(/^Stopped in epoch 2 of 3; kept epoch 1 \(validation accuracy \d+\.\d%\)/);
    expect(ref.recipe.steps[1]).toMatchObject({ step: 'finetune', epochs: 3, stopAfter: 1 });
    expect(epochsOf(seen, 'recipe.steps[1]')).toBe(1);
    // Not the full recipe's variant: the full recipe gets another handle.
    expect((await api.registerVariants(modelId, [recipe], binding(dataId)))[0]).not.toBe(ref.id);
    expect((await api.registerVariants(modelId, [ref.recipe], binding(dataId)))[0]).toBe(ref.id);

    // Zeros exact: every weight magnitude pruning zeroed is still zero after training and 4-bit storage.
    const pruned = await api.applyRecipe(modelId, parseRecipe({ pare: 'recipe', version: 2, steps: [{ step: 'prune', sparsity: 0.8 }, { step: 'quantize', default: { bits: 4 } }] }));
    const before = await zerosOf(pruned.id);
    const after = await zerosOf(ref.id);
    before.forEach((w, i) => w.forEach((z, j) => z && expect(after[i]![j]).toBe(true)));
    expect(ref.stats.prunedSparsity).toBeCloseTo(pruned.stats.prunedSparsity, 9);

    const m = await api.measure(modelId, ref.id, { dataId, latencyRuns: 0, heldOut: TRAIN + VALIDATE });
    expect(m.quality?.samples).toBe(1000 - TRAIN - VALIDATE);
    expect(m.recipeHash).toBe(ref.recipeHash);

    // A fresh worker builds the recorded recipe from scratch to the same bytes.
    const exported = await api.exportVariant(modelId, ref.id);
    const fresh = studio().api;
    const freshModel = (await fresh.openModel(modelFiles())).id;
    const freshData = (await fresh.openData(freshModel, dataFiles())).id;
    const [rebuilt] = await fresh.registerVariants(freshModel, [ref.recipe], binding(freshData));
    const again = await fresh.exportVariant(freshModel, rebuilt!);
    expect(again.files.map((f) => f.name)).toEqual(exported.files.map((f) => f.name));
    again.files.forEach((f, i) => expect(Buffer.from(f.data).equals(Buffer.from(exported.files[i]!.data))).toBe(true));
  }, 120_000);

  it('Resume trains the remaining epochs from the kept checkpoint as a recipe of its own, zeros still exact', async () => {
    const stopped = recipeWith({ ...finetune, stopAfter: 1 });
    const kept = await api.applyRecipe(modelId, stopped, {}, binding(dataId));
    const resumed = recipeWith({ ...finetune, stopAfter: 1 }, { ...finetune, epochs: 2 });
    const seen: JobProgress[] = [];
    const ref = await api.train(modelId, resumed, { onProgress: (p) => seen.push(p) }, binding(dataId));
    expect(ref).toMatchObject({ stopped: false, rebuildable: true, note: 'Training completed.' });
    expect(epochsOf(seen, 'recipe.steps[1]')).toBe(1);
    expect(epochsOf(seen, 'recipe.steps[2]')).toBe(2);
    const k = await zerosOf(kept.id);
    const r = await zerosOf(ref.id);
    k.forEach((w, i) => w.forEach((z, j) => z && expect(r[i]![j]).toBe(true)));
    const options = { dataId, latencyRuns: 0, heldOut: TRAIN + VALIDATE };
    const mk = await api.measure(modelId, kept.id, options);
    const mr = await api.measure(modelId, ref.id, options);
    // Two more epochs on 320 samples: not worse than the kept checkpoint by more than noise.
    expect(mr.quality!.value).toBeGreaterThan(mk.quality!.value - 0.03);
    expect(ref.warnings.map((w) => w.message)).toContainEqual(expect.stringMatching(/^recipe\.steps\[2\] \('finetune'\): Trained 2 epochs/));
  }, 120_000);

  it('Stop before an epoch finished keeps a pinned variant that eviction never drops; Cancel still cancels', async () => {
    const stop = new AbortController();
    const ref = await api.train(modelId, recipeWith({ ...finetune, seed: 7 }), {
      stop: stop.signal,
      onProgress: (p) => p.streamed?.kind === 'training' && stop.abort(),
    }, binding(dataId));
    expect(ref).toMatchObject({ stopped: true, rebuildable: false });
    expect(ref.note).toMatch(/before an epoch finished/);
    for (let i = 1; i <= 13; i++) await api.applyRecipe(modelId, parseRecipe({ pare: 'recipe', version: 2, steps: [{ step: 'prune', sparsity: i / 20 }] }));
    const m = await api.measure(modelId, ref.id, { dataId, latencyRuns: 0, heldOut: TRAIN + VALIDATE });
    expect(m.quality?.samples).toBe(1000 - TRAIN - VALIDATE);

    const cancel = new AbortController();
    await expect(api.train(modelId, recipeWith({ ...finetune, seed: 8 }), {
      signal: cancel.signal,
      onProgress: (p) => p.streamed?.kind === 'training' && cancel.abort(),
    }, binding(dataId))).rejects.toMatchObject({ code: 'cancelled' });
  }, 120_000);

  it('refuses a training slice outside the data, in a sentence', async () => {
    await expect(api.train(modelId, recipeWith(finetune), {}, { training: { dataId, start: 0, end: 5000 } })).rejects.toMatchObject({
      code: 'bad-options',
      message: 'The training data is samples 1 to 5000 of the open data, which has 1,000: give a range inside it with at least one sample.',
    });
  });
});
