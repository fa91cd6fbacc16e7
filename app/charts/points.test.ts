import { describe, expect, it } from 'vitest';
import { fakeMeasurement } from '../state/fake-client';
import { originalEntry, type VariantEntry } from '../state/variants-slice';
import { parseRecipe } from '../../src/recipe/schema';
import { tradeoffPoints } from './points';

function variant(id: string, sparsity: number, dataId: string | null, measuredOn: string | null): VariantEntry {
  const recipe = parseRecipe({ pare: 'recipe', version: 1, prune: { sparsity } });
  return {
    id,
    name: id,
    recipe,
    summary: `${sparsity * 100}% global`,
    built: { sparsity, weightBytes: 4000 },
    measurement: fakeMeasurement(recipe, { dataId, latencyRuns: 3 }),
    measuredOn,
    createdAt: 1,
  };
}

describe('tradeoffPoints', () => {
  it('plots accuracy against gzip size for entries measured on the current data, the original marked', () => {
    const original = { ...originalEntry(), measurement: fakeMeasurement(null, { dataId: 'd', latencyRuns: 3 }), measuredOn: 'key' };
    const entries = [original, variant('a', 0.5, 'd', 'key'), variant('b', 0.8, 'd', 'old data'), variant('c', 0.2, 'd', 'key')];
    const data = tradeoffPoints(entries, 'key', 'size-gzip');
    expect(data.quality).toBe('accuracy');
    expect(data.points.map((p) => [p.id, p.isOriginal])).toEqual([
      ['original', true],
      ['a', false],
      ['c', false],
    ]);
    const a = data.points[1];
    expect(a.y).toBeCloseTo(85, 10);
    expect(a.x).toBe(1000 + Math.round(3600 * 0.5) + 100);
    expect(data.missing).toBe(1);
  });

  it('uses median latency on the latency chart and leaves out entries without it', () => {
    const noLatency = variant('n', 0.5, 'd', 'key');
    noLatency.measurement = { ...noLatency.measurement!, latency: null };
    const data = tradeoffPoints([variant('a', 0.5, 'd', 'key'), noLatency], 'key', 'latency');
    expect(data.points.map((p) => p.x)).toEqual([1]);
    expect(data.missing).toBe(1);
  });

  it('without labels, plots agreement with the original, the original at 100% by definition, flagged weak', () => {
    const original = { ...originalEntry(), measurement: fakeMeasurement(null, { dataId: null, latencyRuns: 3 }), measuredOn: null };
    const v = variant('a', 0.5, null, null);
    v.measurement = {
      ...v.measurement!,
      quality: { kind: 'fidelity', value: 0.97, samples: 64, top5: null, loss: null, perClass: [], cosine: 0.99, relativeError: 0.12, maxAbsDiff: 0.1, weakProxy: true, data: '64 generated inputs', skipped: [] },
    };
    const data = tradeoffPoints([original, v], null, 'size-raw', 'agreement');
    expect(data.quality).toBe('fidelity');
    expect(data.weakProxy).toBe(true);
    expect(data.points.map((p) => p.y)).toEqual([100, 97]);
  });

  it('without labels, plots cosine by default and the relative error on request, the original as the reference', () => {
    const original = { ...originalEntry(), measurement: fakeMeasurement(null, { dataId: null, latencyRuns: 3 }), measuredOn: null };
    const v = variant('a', 0.5, null, null);
    v.measurement = {
      ...v.measurement!,
      quality: { kind: 'fidelity', value: 1, samples: 64, top5: null, loss: null, perClass: [], cosine: 0.93, relativeError: 0.25, maxAbsDiff: 0.4, weakProxy: false, data: 'photos', skipped: [] },
    };
    const byDefault = tradeoffPoints([original, v], null, 'size-raw');
    expect(byDefault.metric.id).toBe('cosine');
    expect(byDefault.points.map((p) => p.y)).toEqual([1, 0.93]);
    const error = tradeoffPoints([original, v], null, 'size-raw', 'relative-error');
    expect(error.metric.higherIsBetter).toBe(false);
    expect(error.points.map((p) => p.y)).toEqual([0, 25]);
  });

  it('keeps accuracy when the data has labels, whatever fidelity metric was picked before', () => {
    const data = tradeoffPoints([variant('a', 0.5, 'd', 'key')], 'key', 'size-gzip', 'cosine');
    expect(data.metric.id).toBe('accuracy');
    expect(data.points[0].y).toBeCloseTo(85, 10);
  });
});
