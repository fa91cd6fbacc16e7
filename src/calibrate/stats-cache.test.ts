import { describe, expect, it } from 'vitest';
import { inMemoryDataset } from '../evaluate/dataset';
import type { InputStats } from './capture';
import { InputStatsCache, type StatsKey } from './stats-cache';

const dataset = () =>
  inMemoryDataset({ kind: 'generated', sampleShape: [2], classNames: [], classSource: 'none', labelled: false, preprocessing: null, skipped: [], description: 'two', inputs: new Float32Array(4), labels: null });
const stats = (gram: boolean): InputStats => ({ sums: new Float64Array(2), sumSquares: new Float64Array(2), gram: gram ? new Float64Array(4) : null, rows: 2 });

describe('InputStatsCache', () => {
  const topology = { node: [] };
  const values = [new Float32Array(4), new Float32Array(2)];
  const data = dataset();
  const key = (over: Partial<StatsKey> = {}): StatsKey => ({ topology, values, dataset: data, samples: 16, gram: true, ...over });
  const kept = new Map([['a', stats(true)], ['b', stats(true)]]);

  it('serves what one capture gathered, for any of its weights, when everything it read is the same', () => {
    const cache = new InputStatsCache();
    cache.put(key(), kept);
    expect(cache.get(key(), ['b'])?.get('b')).toBe(kept.get('b'));
    // Statistics with Gram matrices serve a capture that needs only the sums.
    expect(cache.get(key({ gram: false }), ['a', 'b'])?.size).toBe(2);
    expect(cache.hits).toBe(2);
  });

  it('misses when a weight array, the data, the sample count or the topology differs, or a weight was not captured', () => {
    const cache = new InputStatsCache();
    cache.put(key(), kept);
    expect(cache.get(key({ values: [values[0]!, new Float32Array(2)] }), ['a'])).toBeNull();
    expect(cache.get(key({ dataset: dataset() }), ['a'])).toBeNull();
    expect(cache.get(key({ samples: 32 }), ['a'])).toBeNull();
    expect(cache.get(key({ topology: { node: [] } }), ['a'])).toBeNull();
    expect(cache.get(key(), ['a', 'c'])).toBeNull();
    const sumsOnly = new InputStatsCache();
    sumsOnly.put(key({ gram: false }), new Map([['a', stats(false)]]));
    expect(sumsOnly.get(key(), ['a'])).toBeNull();
    expect(cache.hits + sumsOnly.hits).toBe(0);
  });

  it('lets a reader peek at everything one capture covered, under the same key only, without counting a hit', () => {
    const cache = new InputStatsCache();
    cache.put(key(), kept);
    expect(cache.peek(key())).toBe(kept);
    expect(cache.peek(key({ samples: 32 }))).toBeNull();
    expect(cache.peek(key({ values: [values[0]!, new Float32Array(2)] }))).toBeNull();
    expect(cache.hits).toBe(0);
  });

  it('keys on the arrays it was given, not on a list the caller changes later, and keeps the last few captures', () => {
    const cache = new InputStatsCache(2);
    const list = [...values];
    cache.put(key({ values: list }), kept);
    list[1] = new Float32Array(2);
    expect(cache.get(key(), ['a'])).not.toBeNull();
    cache.put(key({ samples: 1 }), kept);
    cache.put(key({ samples: 2 }), kept);
    expect(cache.get(key({ samples: 2 }), ['a'])).not.toBeNull();
    expect(cache.get(key({ samples: 1 }), ['a'])).not.toBeNull();
    // The first capture, least recently used, was let go.
    expect(cache.get(key(), ['a'])).toBeNull();
  });
});
