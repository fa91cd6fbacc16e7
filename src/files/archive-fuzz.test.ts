/**
 * Property-based fuzzing of the container readers: any mutation of a valid zip or gzip (flipped bytes, cuts,
 * spliced garbage) either unpacks or is refused with a PareError: never a RangeError, a TypeError or a hang.
 */
import fc from 'fast-check';
import { gzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { PareError } from '../errors';
import type { InputFile } from '../model/types';
import { unpackDrop } from './unpack';

const text = (s: string) => new TextEncoder().encode(s);
const zip = zipSync({
  'model/model.json': text('{"modelTopology":{},"weightsManifest":[]}'),
  'model/group1-shard1of1.bin': new Uint8Array(600).map((_, i) => (i * 37) % 256),
  'model/stored.txt': [text('stored as is'), { level: 0 }],
  'model/inner.zip': zipSync({ 'x.txt': text('nested') }),
});
const gz = gzipSync(new Uint8Array(500).map((_, i) => i % 7));

/** Unpacks and reports how it ended; anything but a PareError fails the property. */
function outcome(files: InputFile[]): 'ok' | string {
  try {
    unpackDrop(files, { maxBytes: 1 << 20 });
    return 'ok';
  } catch (e) {
    if (e instanceof PareError) {
      expect(e.message).toMatch(/\.$/);
      return e.code;
    }
    throw e;
  }
}

const mutation = (length: number) =>
  fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at: fc.nat(length - 1), xor: fc.integer({ min: 1, max: 255 }) }),
    fc.record({ kind: fc.constant('cut' as const), at: fc.nat(length - 1) }),
    fc.record({ kind: fc.constant('splice' as const), at: fc.nat(length - 1), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
  );

function mutate(bytes: Uint8Array, ms: { kind: 'flip' | 'cut' | 'splice'; at: number; xor?: number; bytes?: Uint8Array }[]): Uint8Array {
  let out = bytes.slice();
  for (const m of ms) {
    const at = Math.min(m.at, out.length - 1);
    if (m.kind === 'flip') out[at] ^= m.xor!;
    else if (m.kind === 'cut') out = out.slice(0, at);
    else out = Uint8Array.from([...out.subarray(0, at), ...m.bytes!, ...out.subarray(at + m.bytes!.length)]);
    if (out.length === 0) break;
  }
  return out;
}

describe('container fuzzing', () => {
  it('a mutated zip unpacks or is refused with a PareError', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(fc.array(mutation(zip.length), { minLength: 1, maxLength: 4 }), (ms) => {
        seen.add(outcome([{ name: 'm.zip', data: mutate(zip, ms) }]));
      }),
      { numRuns: 400, seed: 8 },
    );
    // The mutations reach the different checks, not only the first one.
    expect(seen.has('bad-crc')).toBe(true);
    expect(seen.has('bad-zip')).toBe(true);
    expect(seen.size).toBeGreaterThanOrEqual(4);
  });

  it('a mutated gzip unpacks or is refused with a PareError', () => {
    fc.assert(
      fc.property(fc.array(mutation(gz.length), { minLength: 1, maxLength: 3 }), (ms) => {
        outcome([{ name: 'data.idx.gz', data: mutate(gz, ms) }]);
      }),
      { numRuns: 300, seed: 12 },
    );
  });

  it('random bytes named .zip are refused, never crash', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        expect(outcome([{ name: 'r.zip', data: Uint8Array.from([0x50, 0x4b, 5, 6, ...bytes]) }])).not.toBe('ok');
      }),
      { numRuns: 300, seed: 3 },
    );
  });

  it('flipping any byte of a stored entry is caught by its CRC-32', () => {
    const stored = zipSync({ 'w.bin': [new Uint8Array(64).fill(9), { level: 0 }] });
    // The entry's bytes follow its 30-byte local header and its 5-byte name.
    for (let at = 35; at < 35 + 64; at++) {
      const copy = stored.slice();
      copy[at] ^= 0x10;
      expect(outcome([{ name: 's.zip', data: copy }])).toBe('bad-crc');
    }
  });
});
