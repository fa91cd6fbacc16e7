/**
 * Calibrated compression through the studio API, in Node over the real core: a recipe whose steps use the
 * calibration role is bound to open data, the variant is keyed by the data's fingerprint as well as the recipe,
 * and measurement leaves out the samples that calibrated it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openModel } from '../formats';
import { inventoryOf } from '../model/inventory';
import type { InputFile } from '../model/types';
import { parseRecipe } from '../recipe/schema';
import { setupBackends } from '../runtime';
import { nodeWasmFolder } from '../runtime/node-wasm';
import { createStudioApi } from './studio-api';

const samples = join(process.cwd(), 'public', 'samples');
const read = (path: string): InputFile => ({ name: path, data: new Uint8Array(readFileSync(join(samples, path))) });
const modelFiles = () => ['fashion-mlp/model.json', 'fashion-mlp/group1-shard1of1.bin'].map(read);
const dataFiles = () =>
  ['data/fashion-mnist-test-1000-images-idx3-ubyte.gz', 'data/fashion-mnist-test-1000-labels-idx1-ubyte.gz', 'data/labels.txt'].map(read);

const CALIBRATION = 128;
const calibrated = parseRecipe({
  pare: 'recipe',
  version: 2,
  steps: [
    { step: 'prune', sparsity: 0.8, method: 'obs', data: 'calibration', samples: CALIBRATION },
    { step: 'quantize', default: { bits: 4 }, method: 'gptq', data: 'calibration', samples: CALIBRATION },
  ],
});
const plain = parseRecipe({ pare: 'recipe', version: 2, steps: [{ step: 'prune', sparsity: 0.8 }, { step: 'quantize', default: { bits: 4 } }] });

describe('calibrated variants in the studio', () => {
  const { api, variants } = createStudioApi({ runtime: () => setupBackends({ wasmPaths: nodeWasmFolder(), probe: false }), openModel, inventoryOf });
  let modelId: string;
  let dataId: string;

  beforeAll(async () => {
    modelId = (await api.openModel(modelFiles())).id;
    dataId = (await api.openData(modelId, dataFiles())).id;
  }, 60_000);

  it('refuses a calibrated recipe without bound data, naming the step and the role', async () => {
    await expect(api.applyRecipe(modelId, calibrated)).rejects.toMatchObject({
      code: 'missing-data',
      message: expect.stringMatching(/recipe\.steps\[0\].*calibration/),
    });
  });

  it('refuses a binding to data that is not open', async () => {
    await expect(api.applyRecipe(modelId, calibrated, {}, { calibration: 'data-99' })).rejects.toMatchObject({
      code: 'bad-options',
      message: expect.stringContaining("'data-99' is not open"),
    });
  });

  it('builds with the bound data, keys the variant by its fingerprint, and beats magnitude on held-out samples', async () => {
    const ref = await api.applyRecipe(modelId, calibrated, {}, { calibration: dataId });
    expect(ref.stats.prunedSparsity).toBeCloseTo(0.8, 3);
    // The same recipe and data give the same handle; the same recipe on a second opening of the same files too,
    // because the fingerprint is of the content.
    expect((await api.applyRecipe(modelId, calibrated, {}, { calibration: dataId })).id).toBe(ref.id);
    const again = (await api.openData(modelId, dataFiles())).id;
    expect((await api.registerVariants(modelId, [calibrated], { calibration: again }))[0]).toBe(ref.id);

    const magnitude = await api.applyRecipe(modelId, plain);
    const options = { dataId, latencyRuns: 0, heldOut: CALIBRATION };
    const mCal = await api.measure(modelId, ref.id, options);
    const mMag = await api.measure(modelId, magnitude.id, options);
    expect(mCal.quality?.samples).toBe(1000 - CALIBRATION);
    expect(mCal.quality?.data).toContain(`the first ${CALIBRATION} samples calibrate`);
    expect(mCal.quality!.value).toBeGreaterThan(mMag.quality!.value + 0.02);
  }, 120_000);

  it('rebuilds a calibrated variant the cache dropped from its handle, with the same data', async () => {
    const [handle] = await api.registerVariants(modelId, [calibrated], { calibration: dataId });
    const before = await api.measure(modelId, handle!, { dataId, latencyRuns: 0, heldOut: CALIBRATION });
    variants.drop(modelId);
    const after = await api.measure(modelId, handle!, { dataId, latencyRuns: 0, heldOut: CALIBRATION });
    expect(after.quality!.value).toBe(before.quality!.value);
    expect(after.sizes.totalBytes).toBe(before.sizes.totalBytes);
  }, 120_000);
});
