import { describe, expect, it } from 'vitest';
import { crc32 } from './crc32';

describe('crc32', () => {
  it('gives the standard check value for "123456789"', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });
  it('gives the CRC every PNG IEND chunk carries', () => {
    expect(crc32(new TextEncoder().encode('IEND'))).toBe(0xae426082);
  });
  it('continues from a previous value', () => {
    const all = new TextEncoder().encode('hello world');
    expect(crc32(all.subarray(5), crc32(all.subarray(0, 5)))).toBe(crc32(all));
  });
  it('is 0 for no bytes', () => {
    expect(crc32(new Uint8Array(0))).toBe(0);
  });
});

describe('crc32 against the byte-at-a-time definition', () => {
  /** The textbook loop: one byte, eight shifts. */
  function reference(bytes: Uint8Array): number {
    let c = 0xffffffff;
    for (const b of bytes) {
      c ^= b;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    }
    return (c ^ 0xffffffff) >>> 0;
  }

  it('agrees on every length 0..40 and at unaligned offsets', () => {
    const data = new Uint8Array(300).map((_, i) => (i * 151 + 7) & 0xff);
    for (let offset = 0; offset < 5; offset++) {
      for (let n = 0; n <= 40; n++) {
        const slice = data.subarray(offset, offset + n);
        expect(crc32(slice)).toBe(reference(slice));
      }
    }
    expect(crc32(data)).toBe(reference(data));
  });

  it('continues across a split at any point', () => {
    const data = new Uint8Array(37).map((_, i) => (i * 97) & 0xff);
    for (let k = 0; k <= data.length; k++) expect(crc32(data.subarray(k), crc32(data.subarray(0, k)))).toBe(reference(data));
  });
});
