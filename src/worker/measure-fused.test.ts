/** The studio's measurement of a fused variant: loaded as the graph model it became, same accuracy, a latency. */
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../cli/backend';
import { openSample, testSubset } from '../calibrate/testing/fashion';
import { exportVariant } from '../export/index';
import { applyRecipe } from '../recipe/apply';
import { parseRecipe } from '../recipe/schema';
import { measureModel } from './measure';

beforeAll(async () => {
  await useBackend('wasm');
});

describe('measureModel on a fused variant', () => {
  it('measures the sample CNN fused to a graph model: accuracy as the original on the held-out images, and latency', { timeout: 60_000 }, async () => {
    const model = await openSample('fashion-cnn');
    const recipe = parseRecipe({ pare: 'recipe', version: 2, steps: [{ step: 'fuse' }] });
    const variant = await applyRecipe(model, recipe);
    const { sizes } = exportVariant(model, variant, recipe);
    const data = testSubset(model);
    const options = { dataId: 'fashion', latencyRuns: 5, warmupRuns: 1 };
    const fused = await measureModel({ model, variant, sizes, data, options });
    const original = await measureModel({ model, variant: null, sizes, data, options });
    expect(fused.quality!.kind).toBe('accuracy');
    expect(fused.quality!.value).toBeGreaterThan(0.8);
    expect(Math.abs(fused.quality!.value - original.quality!.value)).toBeLessThanOrEqual(0.001);
    expect(fused.latency!.backend).toBe('wasm');
    expect(fused.latency!.runs).toBeGreaterThanOrEqual(5);
    expect(fused.latency!.medianMs).toBeGreaterThan(0);
  });
});
