import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../seeded-random';
import { sizesOf } from './sizes';

function noisyBytes(n: number, seed: number): Uint8Array {
  const rand = seededRandom(seed);
  return Uint8Array.from({ length: n }, () => (rand() < 0.5 ? 0 : Math.floor(rand() * 256)));
}

describe('sizesOf', () => {
  const shards = [noisyBytes(5000, 1), noisyBytes(3000, 2)];
  const expected = shards.reduce((n, s) => n + gzipSync(s, { level: 9, mtime: 0 }).byteLength, 0);

  it('gives the raw sizes, and per-shard gzip at level 9 when read', () => {
    const sizes = sizesOf(120, shards);
    expect(sizes).toMatchObject({ modelJsonBytes: 120, weightBytes: 8000, totalBytes: 8120 });
    expect(sizes.weightGzipBytes).toBe(expected);
    expect(sizes.weightGzipBytes).toBeLessThan(8000);
  });

  it('the lazy gzip size survives JSON, structured cloning (the worker boundary) and spreading', () => {
    const sizes = sizesOf(1, shards);
    expect(JSON.parse(JSON.stringify(sizes)).weightGzipBytes).toBe(expected);
    expect(structuredClone(sizes)).toEqual({ modelJsonBytes: 1, weightBytes: 8000, weightGzipBytes: expected, totalBytes: 8001 });
    expect({ ...sizes }.weightGzipBytes).toBe(expected);
  });

  it('compresses once: later reads return the cached figure even if the shard bytes change', () => {
    const own = [Uint8Array.from(shards[0]!)];
    const sizes = sizesOf(0, own);
    const first = sizes.weightGzipBytes;
    own[0]!.fill(0); // would compress to almost nothing if measured again
    expect(sizes.weightGzipBytes).toBe(first);
  });
});
