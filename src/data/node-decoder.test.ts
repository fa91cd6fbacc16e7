import { zlibSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { PareError } from '../errors';
import { crc32 } from '../files/crc32';
import { decodePng, pngDecoder } from './node-decoder';
import { makePng } from './testing/make-png';

/** Pseudo-random bytes so filters have something to predict. */
function noise(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

function thrown(f: () => unknown): PareError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(PareError);
    return e as PareError;
  }
  throw new Error('expected a PareError');
}

describe('decodePng', () => {
  const w = 7;
  const h = 5;
  it.each([0, 1, 2, 3, 4])('reads RGBA written with filter type %i', (f) => {
    const pixels = noise(w * h * 4, 10 + f);
    const img = decodePng(makePng({ width: w, height: h, colourType: 6, pixels, filters: [f] }), 'x.png');
    expect(img.width).toBe(w);
    expect(img.height).toBe(h);
    expect(Array.from(img.rgba)).toEqual(Array.from(pixels));
  });

  it('reads rows with mixed filters split over several IDAT chunks', () => {
    const pixels = noise(w * h * 3, 3);
    const img = decodePng(makePng({ width: w, height: h, colourType: 2, pixels, filters: [4, 0, 3, 1, 2], idatChunks: 3 }), 'x.png');
    for (let i = 0; i < w * h; i++) {
      expect([img.rgba[4 * i], img.rgba[4 * i + 1], img.rgba[4 * i + 2], img.rgba[4 * i + 3]]).toEqual([
        pixels[3 * i], pixels[3 * i + 1], pixels[3 * i + 2], 255,
      ]);
    }
  });

  it('expands gray and gray+alpha to RGBA', () => {
    const gray = decodePng(makePng({ width: 2, height: 1, colourType: 0, pixels: new Uint8Array([10, 200]) }), 'g.png');
    expect(Array.from(gray.rgba)).toEqual([10, 10, 10, 255, 200, 200, 200, 255]);
    const ga = decodePng(makePng({ width: 2, height: 1, colourType: 4, pixels: new Uint8Array([10, 7, 200, 0]) }), 'ga.png');
    expect(Array.from(ga.rgba)).toEqual([10, 10, 10, 7, 200, 200, 200, 0]);
  });

  it('looks palette indices up, with tRNS transparency', () => {
    const png = makePng({
      width: 3, height: 1, colourType: 3, pixels: new Uint8Array([1, 0, 1]),
      palette: new Uint8Array([1, 2, 3, 250, 251, 252]), transparency: new Uint8Array([9]),
    });
    expect(Array.from(decodePng(png, 'p.png').rgba)).toEqual([250, 251, 252, 255, 1, 2, 3, 9, 250, 251, 252, 255]);
  });

  it('works through the ImageDecoder interface', async () => {
    const img = await pngDecoder.decode(makePng({ width: 1, height: 1, colourType: 0, pixels: new Uint8Array([42]) }), 'a.png');
    expect(img.rgba[0]).toBe(42);
  });

  describe('refuses broken and unsupported files, saying which', () => {
    const good = makePng({ width: 4, height: 4, colourType: 0, pixels: noise(16, 1) });

    it('a flipped byte inside a chunk fails its CRC', () => {
      const bad = good.slice();
      bad[45] ^= 0xff; // inside IDAT's data (signature 8 + IHDR 25 + IDAT header 8 = 41)
      const e = thrown(() => decodePng(bad, 'cat/1.png'));
      expect(e.code).toBe('bad-data');
      expect(e.message).toMatch(/'cat\/1.png' is a damaged PNG: chunk 'IDAT' fails its CRC check/);
      expect(e.file).toBe('cat/1.png');
    });

    it('a truncated file', () => {
      const e = thrown(() => decodePng(good.subarray(0, good.length - 20), 't.png'));
      expect(e.code).toBe('bad-data');
      expect(e.message).toMatch(/ends/);
    });

    it('image data shorter than the header promises', () => {
      // A valid zlib stream (correct CRCs) holding one row less than the IHDR's height needs.
      const png = makePng({ width: 4, height: 4, colourType: 0, pixels: noise(16, 2) });
      const short = rebuildWithIdat(png, zlibSync(new Uint8Array(3 * 5)));
      const e = thrown(() => decodePng(short, 's.png'));
      expect(e.message).toMatch(/image data is 15 bytes; 4x4 pixels need 20 bytes/);
    });

    it('16-bit samples are unsupported, and the message says what is read', () => {
      const e = thrown(() => decodePng(makePng({ width: 1, height: 1, colourType: 0, pixels: new Uint8Array([1, 2]), bitDepth: 16 }), 'deep.png'));
      expect(e.code).toBe('unsupported');
      expect(e.message).toMatch(/16-bit samples; Pare decodes PNG only outside the browser \(8-bit/);
    });

    it('interlaced images are unsupported', () => {
      const e = thrown(() => decodePng(makePng({ width: 1, height: 1, colourType: 0, pixels: new Uint8Array([1]), interlace: 1 }), 'i.png'));
      expect(e.code).toBe('unsupported');
      expect(e.message).toMatch(/interlaced/);
    });

    it('a JPEG is named as such and refused as unsupported', () => {
      const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0]);
      const e = thrown(() => decodePng(jpeg, 'photo.jpg'));
      expect(e.code).toBe('unsupported');
      expect(e.message).toBe("'photo.jpg' is a JPEG image; Pare decodes PNG only outside the browser (8-bit gray, RGB, RGBA or palette, not interlaced).");
    });

    it('bytes that are no image at all', () => {
      const e = thrown(() => decodePng(new TextEncoder().encode('hello, this is text'), 'notes.png'));
      expect(e.code).toBe('bad-data');
      expect(e.message).toMatch(/'notes.png' is not an image/);
    });
  });
});

/** Replaces a PNG's IDAT data with `data` (CRC recomputed), to make files that are well-formed but wrong inside. */
function rebuildWithIdat(png: Uint8Array, data: Uint8Array): Uint8Array {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const parts: Uint8Array[] = [png.subarray(0, 8)];
  let pos = 8;
  while (pos < png.length) {
    const len = view.getUint32(pos);
    const type = String.fromCharCode(...png.subarray(pos + 4, pos + 8));
    if (type === 'IDAT') {
      const c = new Uint8Array(12 + data.length);
      const cv = new DataView(c.buffer);
      cv.setUint32(0, data.length);
      c.set(png.subarray(pos + 4, pos + 8), 4);
      c.set(data, 8);
      cv.setUint32(8 + data.length, crc32(c.subarray(4, 8 + data.length)));
      parts.push(c);
    } else parts.push(png.subarray(pos, pos + 12 + len));
    pos += 12 + len;
  }
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  parts.reduce((o, p) => (out.set(p, o), o + p.length), 0);
  return out;
}
