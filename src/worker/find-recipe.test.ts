/**
 * The studio's search on the sample MLP and its data: calibrated on the first samples, validated on the ones
 * after them, and its answer, applied through the studio API with the same data, is the variant it measured.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openModel } from '../formats';
import { inventoryOf } from '../model/inventory';
import type { InputFile } from '../model/types';
import { setupBackends } from '../runtime';
import { nodeWasmFolder } from '../runtime/node-wasm';
import type { JobProgress } from './api';
import { findRecipe } from './find-recipe';
import { createStudioApi } from './studio-api';

const samples = join(process.cwd(), 'public', 'samples');
const read = (path: string): InputFile => ({ name: path, data: new Uint8Array(readFileSync(join(samples, path))) });

describe('findRecipe on the sample MLP', () => {
  const state = createStudioApi({ runtime: () => setupBackends({ wasmPaths: nodeWasmFolder(), probe: false }), openModel, inventoryOf });
  let modelId: string;
  let dataId: string;

  beforeAll(async () => {
    modelId = (await state.api.openModel(['fashion-mlp/model.json', 'fashion-mlp/group1-shard1of1.bin'].map(read))).id;
    const files = ['data/fashion-mnist-test-1000-images-idx3-ubyte.gz', 'data/fashion-mnist-test-1000-labels-idx1-ubyte.gz', 'data/labels.txt'].map(read);
    dataId = (await state.api.openData(modelId, files)).id;
  }, 60_000);

  it('finds the most pruned candidate within the drop, validated after the calibration samples, with progress', async () => {
    const progress: JobProgress[] = [];
    const found = await findRecipe(
      state.models.get(modelId)!,
      state.data.get(dataId)!,
      { kind: 'max-drop', points: 1 },
      200,
      { onProgress: (p) => progress.push(p) },
      { bits: [4], sparsities: [0, 0.6, 0.9], refine: 2 },
    );
    expect(found.complete).toBe(true);
    expect(found.validation).toEqual({ first: 201, last: 1000 });
    expect(found.tried.length).toBeGreaterThanOrEqual(2);
    expect(progress.at(-1)).toMatchObject({ phase: 'search' });
    // Every candidate that meets the target is within a point; the answer is the smallest of them.
    const meeting = found.tried.filter((c) => c.meets);
    expect(meeting.every((c) => (found.original.accuracy! - c.accuracy!) * 100 <= 1 + 1e-9)).toBe(true);
    expect(found.best!.wireBytes).toBe(Math.min(...meeting.map((c) => c.wireBytes)));
    expect(found.recipe!.steps.map((s) => s.step)).toEqual(found.best!.sparsity > 0 ? ['prune', 'quantize'] : ['quantize']);

    // Applied with the same data and measured on the same samples, the answer is what the search measured.
    const ref = await state.api.applyRecipe(modelId, found.recipe!, {}, { calibration: dataId });
    const m = await state.api.measure(modelId, ref.id, { dataId, latencyRuns: 0, heldOut: 200 });
    expect(m.quality!.value).toBe(found.best!.accuracy);
  }, 180_000);

  it('refuses calibration samples that leave fewer than 32 to validate on', async () => {
    await expect(findRecipe(state.models.get(modelId)!, state.data.get(dataId)!, { kind: 'max-drop', points: 1 }, 990)).rejects.toMatchObject({
      code: 'bad-options',
      message: 'The search calibrates on the first 990 samples and validates on at least 32 after them; the data has 1,000.',
    });
  });
});
