/**
 * The studio API through a whole journey on the shipped sample model and its data, in Node over the real core:
 * apply, measure (accuracy with labels, fidelity without), histogram, estimate, export by variant handle, a variant
 * rebuilt from its recipe after the cache dropped it, and cancelled calls that keep the model.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { unzipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportArtifacts } from '../export/load-export';
import { openModel } from '../formats';
import { inventoryOf } from '../model/inventory';
import type { InputFile } from '../model/types';
import { parseRecipe } from '../recipe/schema';
import { setupBackends } from '../runtime';
import { nodeWasmFolder } from '../runtime/node-wasm';
import type { JobProgress } from './api';
import { createStudioApi } from './studio-api';

const samples = join(process.cwd(), 'public', 'samples');
const index = JSON.parse(readFileSync(join(samples, 'index.json'), 'utf8')) as {
  id: string;
  files: string[];
  accuracy: { subset1000: number };
  data: { images: string; labels: string; labelNames: string };
}[];
const mlp = index.find((s) => s.id === 'fashion-mlp')!;

const read = (path: string): InputFile => ({ name: path, data: new Uint8Array(readFileSync(join(samples, path))) });
const modelFiles = () => mlp.files.map(read);
const dataFiles = () => [read(mlp.data.images), read(mlp.data.labels), read(mlp.data.labelNames)];

function studio() {
  return createStudioApi({ runtime: () => setupBackends({ wasmPaths: nodeWasmFolder(), probe: false }), openModel, inventoryOf });
}

const halfUint8 = parseRecipe({ pare: 'recipe', version: 1, prune: { sparsity: 0.5 }, quantize: { default: 'uint8' } });

describe('the studio journey on the sample MLP', () => {
  const state = studio();
  const { api } = state;
  let modelId: string;
  let dataId: string;
  let prunableParams: number;
  /** The handle Apply gave for halfUint8. */
  let half: string;

  beforeAll(async () => {
    const ref = await api.openModel(modelFiles());
    modelId = ref.id;
    prunableParams = ref.inventory.weights.filter((w) => w.prunable).reduce((n, w) => n + w.params, 0);
  });

  it('applies a recipe with progress, exactly, and caches the variant by its hash', async () => {
    const progress: JobProgress[] = [];
    const ref = await api.applyRecipe(modelId, halfUint8, { onProgress: (p) => progress.push(p) });
    half = ref.id;
    expect(ref.stats.prunedSparsity).toBe(Math.round(0.5 * prunableParams) / prunableParams);
    expect(ref.stats.tensors.every((t) => t.dtype === 'uint8')).toBe(true);
    expect(progress.at(-1)).toMatchObject({ phase: 'apply' });
    expect(progress.at(-1)!.done).toBe(progress.at(-1)!.total);
    // Same recipe, written differently: the cached variant.
    const again = await api.applyRecipe(modelId, parseRecipe({ version: 1, pare: 'recipe', quantize: { default: { bits: 8 } }, prune: { sparsity: 0.5 } }));
    expect(again.recipeHash).toBe(ref.recipeHash);
    expect(again.id).toBe(ref.id);
    expect(state.variants.size(modelId)).toBe(1);
  });

  it('opens the sample data with its class names, preprocessing and previews', async () => {
    const ref = await api.openData(modelId, dataFiles());
    dataId = ref.id;
    expect(ref.summary.size).toBe(1000);
    expect(ref.summary.labelled).toBe(true);
    expect(ref.summary.classNames).toHaveLength(10);
    expect(ref.summary.classNames[9]).toBe('Ankle boot');
    expect(ref.summary.preprocessing?.description).toMatch(/28/);
    expect(ref.previews).toHaveLength(8);
    expect(ref.previews[0].rgba.length).toBe(28 * 28 * 4);
    expect(ref.previews[0].className).toBe(ref.summary.classNames[ref.previews[0].label!]);
  });

  it("opens the data with the user's pixel scaling instead of the model's", async () => {
    const ref = await api.openData(modelId, dataFiles(), { scale: '-1,1' });
    expect(ref.summary.preprocessing).toMatchObject({ scale: '-1,1', source: 'user' });
    expect(ref.summary.preprocessing?.description).toMatch(/\[-1, 1\].*as chosen/);
    // The previews undo the scaling: the same pixels as with the model's own.
    const own = await api.openData(modelId, dataFiles());
    expect(ref.previews[0].rgba).toEqual(own.previews[0].rgba);
    await api.closeData(ref.id);
    await api.closeData(own.id);
  });

  it("opens the data with the user's class names: IDX labels keep their indices, the names change", async () => {
    const own = await api.openData(modelId, dataFiles());
    const names = own.summary.classNames.map((n) => (n === 'Pullover' ? 'Sweater' : n));
    const ref = await api.openData(modelId, dataFiles(), { classNames: names });
    expect(ref.summary.classNames).toEqual(names);
    expect(ref.summary.classSource).toBe('edited');
    expect(ref.previews.map((p) => p.label)).toEqual(own.previews.map((p) => p.label));
    expect(ref.previews[1].className).toBe('Sweater');
    const measured = await api.measure(modelId, null, { dataId: ref.id, latencyRuns: 0 });
    expect(Math.abs(measured.quality!.value - mlp.accuracy.subset1000)).toBeLessThan(1e-9);
    expect(measured.quality!.perClass.map((c) => c.name)).toContain('Sweater');
    await expect(api.openData(modelId, dataFiles(), { classNames: names.slice(0, 9) })).rejects.toMatchObject({
      code: 'bad-options',
      message: 'The edited class names cannot be used: 10 names needed (the model has 10 outputs); found 9.',
    });
    await api.closeData(ref.id);
    await api.closeData(own.id);
  });

  it('measures the original: the accuracy index.json states for this subset, sizes and latency', async () => {
    const m = await api.measure(modelId, null, { dataId, latencyRuns: 3, warmupRuns: 1 });
    expect(m.recipeHash).toBeNull();
    expect(m.quality?.kind).toBe('accuracy');
    expect(Math.abs(m.quality!.value - mlp.accuracy.subset1000)).toBeLessThan(1e-9);
    expect(m.quality!.samples).toBe(1000);
    expect(m.sizes.weightBytes).toBe(readFileSync(join(samples, mlp.files[1])).byteLength);
    expect(m.latency?.runs).toBe(3);
    expect(m.latency!.medianMs).toBeGreaterThan(0);
    expect(m.latency!.backend).toBe('wasm');
  });

  it('measures the variant: accuracy on the same data, export sizes, sparsity', async () => {
    const progress: string[] = [];
    const m = await api.measure(modelId, half, { dataId, latencyRuns: 2, warmupRuns: 0 }, { onProgress: (p) => progress.push(p.phase) });
    expect(m.quality?.kind).toBe('accuracy');
    // 50% sparsity and uint8 cost this MLP well under two points.
    expect(Math.abs(m.quality!.value - mlp.accuracy.subset1000)).toBeLessThan(0.02);
    expect(m.sizes.weightBytes).toBe(266_610);
    expect(m.sparsity).toBeCloseTo(0.5, 6);
    expect(progress).toContain('accuracy');
    expect(progress).toContain('latency');
  });

  it('measures fidelity against the original on generated inputs when there is no data, flagged as weak', async () => {
    const m = await api.measure(modelId, half, { dataId: null, latencyRuns: 0, generatedSamples: 32 });
    expect(m.quality).toMatchObject({ kind: 'fidelity', weakProxy: true, samples: 32 });
    expect(m.quality!.cosine).toBeGreaterThan(0.9);
    expect(m.latency).toBeNull();
    // The original alone has nothing to be compared with.
    expect((await api.measure(modelId, null, { dataId: null, latencyRuns: 0 })).quality).toBeNull();
  });

  it('bins a tensor before and after: the pruned zeros show', async () => {
    const h = await api.histogram(modelId, half, 'fc1/kernel', 40);
    expect(h.storedAfter).toBe('uint8');
    expect(h.count).toBe(784 * 300);
    expect(h.zerosBefore).toBe(0);
    expect(h.zerosAfter!).toBeGreaterThan(0.3 * h.count);
    expect(h.after!.reduce((a, b) => a + b)).toBe(h.count);
    await expect(api.histogram(modelId, null, 'no/such')).rejects.toMatchObject({ code: 'bad-options' });
  });

  it('estimates the size with the exact raw bytes of the export', async () => {
    const e = await api.estimateSize(modelId, halfUint8);
    expect(e.weightBytes).toBe(266_610);
    expect(e.weightGzipBytes).toBeLessThan(e.weightBytes);
  });

  it('exports model.json, the shard and recipe.json, and a zip of them that stock TF.js loads', async () => {
    const out = await api.exportVariant(modelId, half);
    expect(out.files.map((f) => f.name)).toEqual(['model.json', 'group1-shard1of1.bin', 'recipe.json']);
    const unzipped = unzipSync(out.zip);
    expect(Object.keys(unzipped)).toEqual(['model.json', 'group1-shard1of1.bin', 'recipe.json']);
    expect(parseRecipe(JSON.parse(new TextDecoder().decode(unzipped['recipe.json'])))).toEqual(halfUint8);
    const json = JSON.parse(new TextDecoder().decode(unzipped['model.json']));
    expect(json.weightsManifest[0].weights.every((w: { quantization?: { dtype: string } }) => w.quantization?.dtype === 'uint8')).toBe(true);
    const model = await tf.loadLayersModel(tf.io.fromMemory(exportArtifacts(out.files.filter((f) => f.name !== 'recipe.json'))));
    const kernel = model.getWeights()[0];
    const zeros = (await kernel.data()).filter((v) => v === 0).length;
    expect(zeros / kernel.size).toBeGreaterThan(0.3);
    model.dispose();
    // A second export of the same variant is the same bytes (the cached export was copied, not given away).
    expect((await api.exportVariant(modelId, half)).zip).toEqual(out.zip);
  });

  it('forgets variants and data with the model', async () => {
    await api.closeModel(modelId);
    expect(state.variants.size(modelId)).toBe(0);
    expect(state.data.size).toBe(0);
    await expect(api.measure(modelId, null, { dataId: null })).rejects.toMatchObject({ code: 'bad-options' });
    await expect(api.measure(modelId, half, { dataId: null })).rejects.toMatchObject({ code: 'bad-options' });
    expect(state.handles.size).toBe(0);
  });
});

describe('variant handles', () => {
  it('rebuild a variant the cache dropped from the recipe kept with the handle, with the same result', async () => {
    const { api, variants } = studio();
    const { id } = await api.openModel(modelFiles());
    const ref = await api.applyRecipe(id, halfUint8);
    const options = { dataId: null, latencyRuns: 0, generatedSamples: 16 };
    const first = await api.measure(id, ref.id, options);
    variants.evict(id, ref.recipeHash);
    expect(variants.size(id)).toBe(0);
    const again = await api.measure(id, ref.id, options);
    expect(variants.size(id)).toBe(1);
    expect(again.recipeHash).toBe(ref.recipeHash);
    expect(again.sizes).toEqual(first.sizes);
    expect(again.sparsity).toBe(first.sparsity);
    expect(again.quality).toEqual(first.quality);
  });

  it('are given for recipes without building them (a restarted worker), and built on first use', async () => {
    const { api, variants } = studio();
    const { id } = await api.openModel(modelFiles());
    const [handle] = await api.registerVariants(id, [halfUint8]);
    expect(variants.size(id)).toBe(0);
    const m = await api.measure(id, handle, { dataId: null, latencyRuns: 0, generatedSamples: 8 });
    expect(m.recipeHash).not.toBeNull();
    expect(variants.size(id)).toBe(1);
    // The same recipe applied later names the same variant.
    expect((await api.applyRecipe(id, halfUint8)).id).toBe(handle);
  });

  it("refuse a handle of another model, or one the worker never gave", async () => {
    const { api } = studio();
    const a = await api.openModel(modelFiles());
    const b = await api.openModel(modelFiles());
    const [handle] = await api.registerVariants(a.id, [halfUint8]);
    await expect(api.measure(b.id, handle, { dataId: null })).rejects.toMatchObject({ code: 'bad-options' });
    await expect(api.histogram(a.id, 'variant-99', 'fc1/kernel')).rejects.toMatchObject({
      code: 'bad-options',
      message: `The model '${a.id}' has no variant 'variant-99'; apply its recipe again.`,
    });
  });
});

describe('cancelling by signal', () => {
  it('stops a measurement mid-way with code cancelled; the model, data and built variant stay', async () => {
    const { api, models, variants } = studio();
    const { id } = await api.openModel(modelFiles());
    const data = await api.openData(id, dataFiles());
    const ref = await api.applyRecipe(id, halfUint8);
    const stop = new AbortController();
    const phases: string[] = [];
    const measuring = api.measure(id, ref.id, { dataId: data.id, latencyRuns: 200, batchSize: 16 }, {
      signal: stop.signal,
      // Abort once the evaluation is under way, as a user pressing Cancel would.
      onProgress: (p) => {
        phases.push(p.phase);
        if (p.phase === 'accuracy' && p.done > 0) stop.abort();
      },
    });
    const error = await measuring.catch((e) => e);
    expect(error).toMatchObject({ code: 'cancelled' });
    expect(error.message).toMatch(/^Evaluation was cancelled after [\d,]+ samples/);
    expect(phases).not.toContain('latency');
    expect(models.has(id)).toBe(true);
    expect(variants.size(id)).toBe(1);
    // The next call on the same model and data works.
    const m = await api.measure(id, ref.id, { dataId: data.id, latencyRuns: 0 });
    expect(m.quality?.samples).toBe(1000);
  });

  it('stops an Apply between tensors and caches nothing for it', async () => {
    const { api, variants } = studio();
    const { id } = await api.openModel(modelFiles());
    const stop = new AbortController();
    stop.abort();
    await expect(api.applyRecipe(id, halfUint8, { signal: stop.signal })).rejects.toMatchObject({ code: 'cancelled' });
    expect(variants.size(id)).toBe(0);
    expect((await api.applyRecipe(id, halfUint8)).stats.sparsity).toBeGreaterThan(0.4);
  });

  it('stops an open that was cancelled before it finished and keeps nothing of it', async () => {
    const { api, models } = studio();
    const stop = new AbortController();
    const opening = api.openModel(modelFiles(), { signal: stop.signal });
    stop.abort();
    await expect(opening).rejects.toMatchObject({ code: 'cancelled', message: 'Opening the model was cancelled.' });
    expect(models.size).toBe(0);
  });
});

describe('a restarted worker', () => {
  it('refuses data opened for another model', async () => {
    const { api } = studio();
    const a = await api.openModel(modelFiles());
    const b = await api.openModel(modelFiles());
    const data = await api.openData(a.id, dataFiles());
    await expect(api.measure(b.id, null, { dataId: data.id })).rejects.toMatchObject({ code: 'bad-options' });
  });
});
