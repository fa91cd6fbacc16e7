import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatBytes } from '../bytes';
import { shardsOf, splitShards } from './shards';

describe('shardsOf', () => {
  it('cuts the same shards as splitting the concatenation, viewing the parts where a shard lies inside one', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 8 }), fc.integer({ min: 1, max: 24 }), (parts, size) => {
        const got = shardsOf(parts, size);
        const want = splitShards(concatBytes(parts), size);
        expect(got.map((s) => [...s])).toEqual(want.map((s) => [...s]));
        // A shard inside one part shares its memory; the others own theirs.
        let at = 0;
        for (const shard of got) {
          const inside = parts.find((p, i) => {
            const begin = parts.slice(0, i).reduce((n, q) => n + q.byteLength, 0);
            return p.byteLength > 0 && begin <= at && at + shard.byteLength <= begin + p.byteLength;
          });
          if (shard.byteLength > 0) expect(shard.buffer === inside?.buffer, `shard at ${at}`).toBe(inside !== undefined);
          at += shard.byteLength;
        }
      }),
      { numRuns: 500 },
    );
  });

  it('gives one empty shard for no bytes, as a model of empty weights still names a file', () => {
    expect(shardsOf([])).toEqual([new Uint8Array(0)]);
    expect(shardsOf([new Uint8Array(0), new Uint8Array(0)]).map((s) => s.byteLength)).toEqual([0]);
  });
});
