import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportVariant } from '../export';
import { openModel } from '../formats';
import type { OpenedModel } from '../model/types';
import { applyRecipe } from '../recipe/apply';
import { parseRecipe } from '../recipe/schema';
import { estimateSize } from './size-estimate';

function open(dir: string): Promise<OpenedModel> {
  return openModel(readdirSync(dir).map((name) => ({ name, data: new Uint8Array(readFileSync(join(dir, name))) })));
}

const recipes = [
  {},
  { prune: { sparsity: 0.5 } },
  { prune: { sparsity: 0.5 }, quantize: { default: 'uint8' } },
  { prune: { sparsity: 0.9 }, quantize: { default: { bits: 4 } } },
  { quantize: { default: 'float16' } },
  { prune: { sparsity: 0.8 }, quantize: { default: 'none' } },
  { quantize: { default: { bits: 2 } } },
];

// The real models the studio is used on: the samples it ships, and published ones (layers, uint8; graph, float32).
const models = [
  join(process.cwd(), 'public/samples/fashion-mlp'),
  join(process.cwd(), 'public/samples/fashion-cnn'),
  join(process.cwd(), '.fixtures/real/human-emotion'),
];

describe.each(models)('estimateSize on %s', (dir) => {
  let model: OpenedModel;
  beforeAll(async () => {
    model = await open(dir);
  });

  it.each(recipes.map((r) => [JSON.stringify(r), r] as const))('%s: raw bytes exact, gzip and model.json close to an export', async (_, r) => {
    const recipe = parseRecipe({ pare: 'recipe', version: 1, ...r });
    const estimate = estimateSize(model, recipe);
    const variant = await applyRecipe(model, recipe);
    const { sizes } = exportVariant(model, variant, recipe);
    expect(estimate.weightBytes).toBe(sizes.weightBytes);
    expect(estimate.totalBytes).toBe(estimate.modelJsonBytes + estimate.weightBytes);
    // Measured on these models: within 10% at worst (4-bit on emotion), mostly within 3%.
    expect(Math.abs(estimate.weightGzipBytes / sizes.weightGzipBytes - 1)).toBeLessThan(0.12);
    expect(Math.abs(estimate.modelJsonBytes / sizes.modelJsonBytes - 1)).toBeLessThan(0.02);
    expect(estimate.sparsity).toBeCloseTo(variant.stats.prunedSparsity, 1);
  });
});

describe('estimateSize on a published uint8 layers model (nsfwjs, 2.6 M params)', () => {
  it('tracks the export across sparsities, and gzip falls as sparsity rises', async () => {
    const model = await open(join(process.cwd(), '.fixtures/real/nsfwjs-mobilenet-v2'));
    let previous = Infinity;
    for (const sparsity of [0, 0.5, 0.9]) {
      const recipe = parseRecipe({ pare: 'recipe', version: 1, prune: { sparsity }, quantize: { default: 'uint8' } });
      const estimate = estimateSize(model, recipe);
      const { sizes } = exportVariant(model, await applyRecipe(model, recipe), recipe);
      expect(estimate.weightBytes).toBe(sizes.weightBytes);
      expect(Math.abs(estimate.weightGzipBytes / sizes.weightGzipBytes - 1)).toBeLessThan(0.08);
      expect(estimate.weightGzipBytes).toBeLessThan(previous);
      previous = estimate.weightGzipBytes;
    }
  });
});
