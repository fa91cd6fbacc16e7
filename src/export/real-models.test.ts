/**
 * Real published TF.js models of both formats (.fixtures/real, laid out by scripts/prepare-fixtures.mjs) through
 * recipe -> export -> stock loader. Inference runs on the cpu backend, so inputs are kept small and every
 * export is run once against its in-memory variant.
 */
import type * as tf from '@tensorflow/tfjs';
import { gzipSync, unzipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { openModel } from '../formats';
import { useCpu } from '../formats/testing/build-models';
import { realFiles } from '../formats/testing/files';
import { loadTfModel } from '../model/load-tf';
import type { OpenedModel } from '../model/types';
import { applyRecipe } from '../recipe/apply';
import { parseRecipe, recipeHash, type Recipe } from '../recipe/schema';
import type { Variant } from '../recipe/variant';
import { exportVariant, SHARD_BYTES, zipExport, type ExportResult } from './index';
import { cosine, expectStockRoundTrip, randomInputs, run, sameBits } from './testing/roundtrip';

const SLOW = 240_000;
const models: Record<string, OpenedModel> = {};
const INPUTS: Record<string, number[][]> = {
  'nsfwjs-mobilenet-v2': [[1, 224, 224, 3]],
  'human-emotion': [[2, 64, 64, 1]],
  'human-handtrack': [[1, 160, 160, 3]],
  'human-movenet-lightning': [[1, 192, 192, 3]],
};

beforeAll(async () => {
  await useCpu();
  for (const name of Object.keys(INPUTS)) models[name] = await openModel(realFiles(name));
});

const recipe = (x: object): Recipe => parseRecipe({ pare: 'recipe', version: 1, ...x });
const inputsFor = (name: string): tf.Tensor[] => randomInputs(models[name]!, 17, INPUTS[name]);

async function make(name: string, r: Recipe): Promise<{ model: OpenedModel; variant: Variant; out: ExportResult }> {
  const model = models[name]!;
  const variant = await applyRecipe(model, r);
  return { model, variant, out: exportVariant(model, variant, r) };
}

function manifestOf(out: ExportResult): { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[] {
  return JSON.parse(new TextDecoder().decode(out.files[0]!.data)).weightsManifest;
}

function modelJsonOf(out: ExportResult): Record<string, unknown> {
  return JSON.parse(new TextDecoder().decode(out.files[0]!.data));
}

function inputWeightBytes(model: OpenedModel): Uint8Array {
  return new Uint8Array(model.artifacts.weightData as ArrayBuffer);
}

/** 50% global: exactly round(0.5 n) zeros over the prunable tensors, every other tensor bit-identical. */
function expectHalfPruned(model: OpenedModel, variant: Variant): void {
  let n = 0;
  let zeros = 0;
  model.weights.forEach((w, i) => {
    const v = variant.weights[i]!;
    if (w.prunable) {
      n += w.values.length;
      for (const x of v.values) if (x === 0) zeros++;
    } else {
      expect(sameBits(v.values, w.values), `non-prunable ${w.name} unchanged`).toBe(true);
    }
  });
  expect(n).toBeGreaterThan(0);
  expect(zeros).toBe(Math.round(0.5 * n));
  expect(variant.stats.prunableParams).toBe(n);
  expect(variant.stats.sparsity).toBe(Math.round(0.5 * n) / n);
}

describe('nsfwjs MobileNetV2 (layers model, uint8, old format)', () => {
  const name = 'nsfwjs-mobilenet-v2';

  it('uint8 recipe re-quantizes to the very codes, scales and mins of the published model', { timeout: SLOW }, async () => {
    const { model, variant, out } = await make(name, recipe({ quantize: { default: 'uint8' } }));
    const original = model.weights.map((w) => ({ name: w.name, shape: w.shape, dtype: w.dtype, quantization: w.quantization }));
    expect(manifestOf(out)[0]!.weights).toEqual(original);
    expect(out.files.length).toBe(2);
    expect(sameBits(out.files[1]!.data, inputWeightBytes(model))).toBe(true);
    await expectStockRoundTrip(model, variant, out.files, inputsFor(name));
  });

  it('50% global + uint8: exact sparsity, other tensors untouched, manifests say uint8, stock loads it', { timeout: SLOW }, async () => {
    const { model, variant, out } = await make(name, recipe({ prune: { sparsity: 0.5 }, quantize: { default: 'uint8' } }));
    expectHalfPruned(model, variant);
    for (const w of manifestOf(out)[0]!.weights) expect(w.quantization?.dtype).toBe('uint8');
    // "keep" on a uint8 model is the same recipe in effect: same bytes.
    const kept = await make(name, recipe({ prune: { sparsity: 0.5 } }));
    expect(sameBits(kept.out.files[1]!.data, out.files[1]!.data)).toBe(true);
    expect(out.sizes.weightBytes).toBe(inputWeightBytes(model).byteLength);
    await expectStockRoundTrip(model, variant, out.files, inputsFor(name));
  });

  it('float16 keeps outputs: cosine >= 0.9999 against the original on the same inputs', { timeout: SLOW }, async () => {
    const { model, variant, out } = await make(name, recipe({ quantize: { default: 'float16' } }));
    for (const w of manifestOf(out)[0]!.weights) expect(w.quantization).toEqual({ dtype: 'float16' });
    const inputs = inputsFor(name);
    const original = await loadTfModel(model.artifacts, model.format);
    const before = await run(original, inputs);
    original.dispose();
    const after = await expectStockRoundTrip(model, variant, out.files, inputs);
    expect(cosine(before[0]!, after[0]!)).toBeGreaterThanOrEqual(0.9999);
  });

  it('4 bits: at most 16 codes per tensor, gzip well below uint8', { timeout: SLOW }, async () => {
    const low = await make(name, recipe({ quantize: { default: { bits: 4 } } }));
    const u8 = await make(name, recipe({ quantize: { default: 'uint8' } }));
    // Batch-norm statistics stay as the input stored them (uint8 here); every other tensor takes 16 levels at most.
    low.variant.weights.forEach((w, i) => {
      if (low.model.weights[i]!.batchNormStatistic) expect(w.stored.quantization).toEqual(low.model.weights[i]!.quantization);
      else expect(new Set(w.stored.bytes).size).toBeLessThanOrEqual(16);
    });
    expect(low.model.weights.some((w) => w.batchNormStatistic)).toBe(true);
    expect(low.out.sizes.weightBytes).toBe(u8.out.sizes.weightBytes);
    expect(low.out.sizes.weightGzipBytes).toBeLessThan(0.6 * u8.out.sizes.weightGzipBytes);
    await expectStockRoundTrip(low.model, low.variant, low.out.files, inputsFor(name));
  });

  it('is byte-identical run after run, zip included', async () => {
    const r = recipe({ prune: { sparsity: 0.5 }, quantize: { default: 'uint8' } });
    const a = await make(name, r);
    const b = await make(name, r);
    a.out.files.forEach((f, i) => expect(sameBits(f.data, b.out.files[i]!.data)).toBe(true));
    expect(sameBits(zipExport(a.out.files), zipExport(b.out.files))).toBe(true);
  });

  it('writes the format the old file lacked and records the recipe', async () => {
    const r = recipe({ prune: { sparsity: 0.5 } });
    const { out } = await make(name, r);
    const json = modelJsonOf(out);
    expect(json.format).toBe('layers-model');
    const pare = (json.userDefinedMetadata as { pare: Record<string, unknown> }).pare;
    expect(parseRecipe(pare.recipe)).toEqual(r);
    expect(pare.recipeHash).toBe(recipeHash(r));
    expect(pare.source).toMatchObject({ file: 'nsfwjs-mobilenet-v2/model.json', format: 'layers-model', weightBytes: 2619461 });
  });
});

describe('human emotion (graph model, float32)', () => {
  const name = 'human-emotion';

  it('float16 keeps outputs: cosine >= 0.9999 against the original', { timeout: SLOW }, async () => {
    const { model, variant, out } = await make(name, recipe({ quantize: { default: 'float16' } }));
    const inputs = inputsFor(name);
    const original = await loadTfModel(model.artifacts, model.format);
    const before = await run(original, inputs);
    original.dispose();
    const after = await expectStockRoundTrip(model, variant, out.files, inputs);
    expect(cosine(before[0]!, after[0]!)).toBeGreaterThanOrEqual(0.9999);
    expect(out.sizes.weightBytes).toBeLessThan(0.51 * inputWeightBytes(model).byteLength);
  });

  it('50% global: exact sparsity over prunable tensors, the rest bit-identical', { timeout: SLOW }, async () => {
    const { model, variant, out } = await make(name, recipe({ prune: { sparsity: 0.5 } }));
    expectHalfPruned(model, variant);
    await expectStockRoundTrip(model, variant, out.files, inputsFor(name));
  });

  it('uint8: every float tensor says uint8, int32 stays int32; 4 bits gzip well below it', { timeout: SLOW }, async () => {
    const u8 = await make(name, recipe({ prune: { sparsity: 0.5 }, quantize: { default: 'uint8' } }));
    for (const w of manifestOf(u8.out)[0]!.weights) {
      if (w.dtype === 'float32') expect(w.quantization).toMatchObject({ dtype: 'uint8', scale: expect.any(Number), min: expect.any(Number) });
      else expect(w.quantization).toBeUndefined();
    }
    expect(manifestOf(u8.out)[0]!.weights.some((w) => w.dtype === 'int32')).toBe(true);
    await expectStockRoundTrip(u8.model, u8.variant, u8.out.files, inputsFor(name));
    const low = await make(name, recipe({ prune: { sparsity: 0.5 }, quantize: { default: { bits: 4 } } }));
    for (const w of low.variant.weights) if (w.dtype === 'float32') expect(new Set(w.stored.bytes).size).toBeLessThanOrEqual(16);
    expect(low.out.sizes.weightGzipBytes).toBeLessThan(0.6 * u8.out.sizes.weightGzipBytes);
    await expectStockRoundTrip(low.model, low.variant, low.out.files, inputsFor(name));
  });

  it('keeps format, generatedBy, convertedBy and existing userDefinedMetadata keys next to pare', async () => {
    const { model, out } = await make(name, recipe({ quantize: { default: 'uint8' } }));
    const json = modelJsonOf(out);
    expect(json.format).toBe('graph-model');
    expect(json.generatedBy).toBe(model.artifacts.generatedBy);
    expect(json.convertedBy).toBe(model.artifacts.convertedBy);
    const meta = json.userDefinedMetadata as Record<string, unknown>;
    expect(Object.keys(meta).sort()).toEqual(['pare', 'signature']);
    expect(meta.signature).toEqual((model.artifacts.userDefinedMetadata as Record<string, unknown>).signature);
    expect(json.modelTopology).toEqual(model.artifacts.modelTopology);
  });

  it('sizes: gzip per shard at level 9, totals add up; the zip holds the same files', async () => {
    const { out } = await make(name, recipe({ prune: { sparsity: 0.5 }, quantize: { default: 'uint8' } }));
    const shards = out.files.slice(1);
    expect(out.sizes.modelJsonBytes).toBe(out.files[0]!.data.byteLength);
    expect(out.sizes.weightBytes).toBe(shards.reduce((n, f) => n + f.data.byteLength, 0));
    expect(out.sizes.weightGzipBytes).toBe(shards.reduce((n, f) => n + gzipSync(f.data, { level: 9, mtime: 0 }).byteLength, 0));
    expect(out.sizes.totalBytes).toBe(out.sizes.modelJsonBytes + out.sizes.weightBytes);
    const unzipped = unzipSync(zipExport(out.files));
    expect(Object.keys(unzipped)).toEqual(out.files.map((f) => f.name));
    out.files.forEach((f) => expect(sameBits(unzipped[f.name]!, f.data)).toBe(true));
  });
});

describe('human handtrack (graph model, uint8, int32 constants, control flow)', () => {
  const name = 'human-handtrack';

  it('50% global + uint8: exact sparsity, non-prunable tensors bit-identical, signature kept, stock loads it', { timeout: SLOW }, async () => {
    const { model, variant, out } = await make(name, recipe({ prune: { sparsity: 0.5 }, quantize: { default: 'uint8' } }));
    expectHalfPruned(model, variant);
    expect(variant.weights.filter((w) => w.dtype === 'int32').every((w) => w.stored.dtype === 'int32')).toBe(true);
    const json = modelJsonOf(out);
    expect(json.signature).toEqual(model.artifacts.signature);
    expect(json.format).toBe('graph-model');
    await expectStockRoundTrip(model, variant, out.files, inputsFor(name));
  });
});

describe('MoveNet Lightning (graph model, float16)', () => {
  const name = 'human-movenet-lightning';

  it('float32 export over 4 MB is cut into group1-shardNofM.bin shards of at most 4 MB that stock TF.js loads', { timeout: SLOW }, async () => {
    const { model, variant, out } = await make(name, recipe({ quantize: { default: 'none' } }));
    const paths = manifestOf(out)[0]!.paths;
    expect(paths).toEqual(['group1-shard1of3.bin', 'group1-shard2of3.bin', 'group1-shard3of3.bin']);
    expect(out.files.slice(1).map((f) => f.name)).toEqual(paths);
    expect(out.files.slice(1, -1).every((f) => f.data.byteLength === SHARD_BYTES)).toBe(true);
    expect(out.files.at(-1)!.data.byteLength).toBeLessThanOrEqual(SHARD_BYTES);
    expect(out.sizes.weightBytes).toBe(model.weights.reduce((n, w) => n + w.values.byteLength, 0));
    expect(out.sizes.weightBytes).toBeGreaterThan(2 * SHARD_BYTES);
    await expectStockRoundTrip(model, variant, out.files, inputsFor(name));
  });

  it('keeping float16 reproduces the published bytes', async () => {
    const { model, out } = await make(name, recipe({}));
    expect(sameBits(out.files[1]!.data, inputWeightBytes(model).subarray(0, SHARD_BYTES))).toBe(true);
    expect(sameBits(out.files[2]!.data, inputWeightBytes(model).subarray(SHARD_BYTES))).toBe(true);
  });
});
