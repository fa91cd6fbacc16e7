import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../seeded-random';
import { WIRE_GZIP, wireGzipBytes } from './wire-sizes';

describe('wireGzipBytes', () => {
  it('sums the gzip size of every piece (node:zlib level 6), with more pieces than run at once', async () => {
    const rand = seededRandom(7);
    // Nine pieces of different sizes and compressibility; views into one buffer, as shards of an export are.
    const all = Uint8Array.from({ length: 90_000 }, (_, i) => (i % 3 === 0 ? 0 : Math.floor(rand() * (i % 7 === 0 ? 4 : 256))));
    const pieces = Array.from({ length: 9 }, (_, i) => all.subarray(i * 10_000, i * 10_000 + 1_000 * (i + 1)));
    const expected = pieces.reduce((n, p) => n + gzipSync(p, { level: 6 }).byteLength, 0);
    expect(WIRE_GZIP).toEqual({ library: 'node:zlib', level: 6 });
    expect(await wireGzipBytes(pieces)).toBe(expected);
  });

  it('is 0 for no pieces', async () => {
    expect(await wireGzipBytes([])).toBe(0);
  });
});
