/**
 * The Node decoder against images written from the PNG specification (testing/make-png.ts) and by jpeg-js's
 * encoder: every PNG colour type, bit depth, palettes with transparency and Adam7 interlacing decode to the
 * pixels the test computes by hand; JPEG decodes close to what was encoded.
 */
import { encode as encodeJpeg } from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { sniffImageSize } from './image-decoder';
import { decodeImage, nodeImageDecoder } from './node-decoder';
import { makePng, type PngSpec } from './testing/make-png';
import { pareError } from './testing/pare-error';

/** Pseudo-random integers in [0, max] so filters have something to predict. */
function noise(n: number, max: number, seed: number): number[] {
  let s = seed;
  return Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) >>> 0;
    return (s >>> 8) % (max + 1);
  });
}

/** What the RGBA of a spec must be, computed from the PNG specification's colour rules. */
function expectedRgba(spec: PngSpec): number[] {
  const depth = spec.bitDepth ?? 8;
  const to8 = (v: number) => (spec.colourType === 3 ? v : Math.round((v * 255) / (2 ** depth - 1)));
  const out: number[] = [];
  for (let i = 0; i < spec.width * spec.height; i++) {
    const px = (c: number, n: number) => to8(spec.pixels[i * n + c]);
    switch (spec.colourType) {
      case 0: out.push(px(0, 1), px(0, 1), px(0, 1), 255); break;
      case 4: out.push(px(0, 2), px(0, 2), px(0, 2), px(1, 2)); break;
      case 2: out.push(px(0, 3), px(1, 3), px(2, 3), 255); break;
      case 6: out.push(px(0, 4), px(1, 4), px(2, 4), px(3, 4)); break;
      case 3: {
        const p = spec.pixels[i];
        out.push(spec.palette![3 * p], spec.palette![3 * p + 1], spec.palette![3 * p + 2], spec.transparency?.[p] ?? 255);
      }
    }
  }
  return out;
}

/** 16-bit samples k*257 + a small offset: their top byte is k whatever rounding the decoder uses. */
const sixteen = (n: number, seed: number) => noise(n, 255, seed).map((k, i) => k * 257 + (i % 100));
const W = 11; // odd sizes leave Adam7's last passes partly empty
const H = 9;
const N = W * H;
const palette = new Uint8Array(noise(16 * 3, 255, 99));
const transparency = new Uint8Array([0, 128, 255, 7]);

const variants: [string, PngSpec][] = [
  ['gray 8-bit', { width: W, height: H, colourType: 0, pixels: noise(N, 255, 1) }],
  ['gray 1-bit', { width: W, height: H, colourType: 0, bitDepth: 1, pixels: noise(N, 1, 2) }],
  ['gray 2-bit', { width: W, height: H, colourType: 0, bitDepth: 2, pixels: noise(N, 3, 3) }],
  ['gray 4-bit', { width: W, height: H, colourType: 0, bitDepth: 4, pixels: noise(N, 15, 4) }],
  ['gray 16-bit', { width: W, height: H, colourType: 0, bitDepth: 16, pixels: sixteen(N, 5) }],
  ['gray+alpha 8-bit', { width: W, height: H, colourType: 4, pixels: noise(N * 2, 255, 6) }],
  ['gray+alpha 16-bit', { width: W, height: H, colourType: 4, bitDepth: 16, pixels: sixteen(N * 2, 7) }],
  ['RGB 8-bit, every filter', { width: W, height: H, colourType: 2, pixels: noise(N * 3, 255, 8), filters: [0, 1, 2, 3, 4] }],
  ['RGB 16-bit', { width: W, height: H, colourType: 2, bitDepth: 16, pixels: sixteen(N * 3, 9) }],
  ['RGBA 8-bit over 3 IDAT chunks', { width: W, height: H, colourType: 6, pixels: noise(N * 4, 255, 10), filters: [4, 3], idatChunks: 3 }],
  ['RGBA 16-bit', { width: W, height: H, colourType: 6, bitDepth: 16, pixels: sixteen(N * 4, 11) }],
  ['palette 8-bit with tRNS', { width: W, height: H, colourType: 3, pixels: noise(N, 15, 12), palette, transparency }],
  ['palette 1-bit', { width: W, height: H, colourType: 3, bitDepth: 1, pixels: noise(N, 1, 13), palette }],
  ['palette 2-bit with tRNS', { width: W, height: H, colourType: 3, bitDepth: 2, pixels: noise(N, 3, 14), palette, transparency }],
  ['palette 4-bit', { width: W, height: H, colourType: 3, bitDepth: 4, pixels: noise(N, 15, 15), palette }],
  ['interlaced gray 8-bit', { width: W, height: H, colourType: 0, interlace: 1, pixels: noise(N, 255, 16), filters: [1, 4] }],
  ['interlaced gray 1-bit', { width: W, height: H, colourType: 0, bitDepth: 1, interlace: 1, pixels: noise(N, 1, 17) }],
  ['interlaced RGBA 8-bit', { width: W, height: H, colourType: 6, interlace: 1, pixels: noise(N * 4, 255, 18), filters: [2, 3, 4] }],
  ['interlaced RGB 16-bit', { width: W, height: H, colourType: 2, bitDepth: 16, interlace: 1, pixels: sixteen(N * 3, 19) }],
  ['interlaced palette 4-bit with tRNS', { width: W, height: H, colourType: 3, bitDepth: 4, interlace: 1, pixels: noise(N, 15, 20), palette, transparency }],
  ['interlaced gray+alpha 8-bit, 1x1', { width: 1, height: 1, colourType: 4, interlace: 1, pixels: [77, 200] }],
];

describe('PNG', () => {
  it.each(variants)('%s decodes to the pixels it holds', (_, spec) => {
    const img = decodeImage(makePng(spec), 'x.png');
    expect([img.width, img.height]).toEqual([spec.width, spec.height]);
    expect(Array.from(img.rgba)).toEqual(expectedRgba(spec));
  });

  it('an interlaced image and the same image plain decode alike', () => {
    const base: PngSpec = { width: 13, height: 10, colourType: 6, pixels: noise(130 * 4, 255, 21) };
    const plain = decodeImage(makePng(base), 'a.png');
    const interlaced = decodeImage(makePng({ ...base, interlace: 1 }), 'b.png');
    expect(Array.from(interlaced.rgba)).toEqual(Array.from(plain.rgba));
  });

  it('a flipped byte (a chunk CRC mismatch) is reported as a damaged PNG, naming the file', () => {
    const png = makePng({ width: 4, height: 4, colourType: 0, pixels: noise(16, 255, 22) });
    png[png.length - 20] ^= 0xff;
    const e = pareError(() => decodeImage(png, 'cat/1.png'));
    expect(e.code).toBe('bad-data');
    expect(e.file).toBe('cat/1.png');
    expect(e.message).toMatch(/^'cat\/1.png' is a damaged PNG file: .+\.$/);
  });

  it('a truncated PNG is damaged', () => {
    const png = makePng({ width: 8, height: 8, colourType: 2, pixels: noise(192, 255, 23) });
    expect(pareError(() => decodeImage(png.subarray(0, 40), 'short.png')).code).toBe('bad-data');
  });

  it('refuses an image past the pixel limit from its header, before decoding', () => {
    const png = makePng({ width: 1, height: 1, colourType: 0, pixels: [0] });
    const ihdr = new DataView(png.buffer, 16, 8);
    ihdr.setUint32(0, 40_000);
    ihdr.setUint32(4, 30_000);
    const e = pareError(() => decodeImage(png, 'huge.png'));
    expect(e.code).toBe('too-large');
    expect(e.message).toBe("'huge.png' is 40,000x30,000 pixels; Pare decodes images of at most 100 megapixels.");
    // The IHDR CRC no longer matches either: only a size check made before decoding gives this message.
  });
});

describe('JPEG', () => {
  /** A smooth colour gradient, which JPEG at quality 90 keeps within a few levels. */
  function gradient(w: number, h: number): Uint8Array {
    const d = new Uint8Array(w * h * 4);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) d.set([(x * 255) / (w - 1), (y * 255) / (h - 1), 128, 255], (y * w + x) * 4);
    }
    return d;
  }

  it('decodes to RGBA within a few levels of what was encoded', async () => {
    const rgba = gradient(32, 24);
    const file = new Uint8Array(encodeJpeg({ width: 32, height: 24, data: rgba }, 90).data);
    const img = await nodeImageDecoder.decode(file, 'photo.jpg');
    expect([img.width, img.height]).toEqual([32, 24]);
    let error = 0;
    for (let i = 0; i < rgba.length; i++) error += Math.abs(img.rgba[i] - rgba[i]);
    expect(error / rgba.length).toBeLessThan(3);
    for (let i = 3; i < rgba.length; i += 4) expect(img.rgba[i]).toBe(255);
  });

  it('refuses a JPEG whose frame header declares past the pixel limit, before decoding', () => {
    const file = new Uint8Array(encodeJpeg({ width: 16, height: 16, data: gradient(16, 16) }, 90).data);
    const sof = file.findIndex((b, i) => b === 0xff && file[i + 1] === 0xc0);
    expect(sniffImageSize(file)).toEqual({ width: 16, height: 16 });
    file.set([0xea, 0x60, 0xea, 0x60], sof + 5); // 60,000 x 60,000
    expect(sniffImageSize(file)).toEqual({ width: 60_000, height: 60_000 });
    const e = pareError(() => decodeImage(file, 'huge.jpg'));
    expect(e.code).toBe('too-large');
    expect(e.message).toBe("'huge.jpg' is 60,000x60,000 pixels; Pare decodes images of at most 100 megapixels.");
  });

  it('a damaged JPEG is reported with the reason, naming the file', () => {
    const file = new Uint8Array(encodeJpeg({ width: 16, height: 16, data: gradient(16, 16) }, 90).data);
    file.fill(0, 200, 260);
    const e = pareError(() => decodeImage(file, 'shirt/7.jpg'));
    expect(e.code).toBe('bad-data');
    expect(e.message).toMatch(/^'shirt\/7.jpg' is a damaged JPEG file: .+\.$/);
  });
});

describe('other files', () => {
  it('GIF, WebP and BMP are named and refused as unsupported', () => {
    const gif = new TextEncoder().encode('GIF89a......');
    const e = pareError(() => decodeImage(gif, 'anim.gif'));
    expect(e.code).toBe('unsupported');
    expect(e.message).toBe("'anim.gif' is a GIF image; outside the browser Pare decodes PNG and JPEG.");
  });

  it('bytes that are no image at all', () => {
    const e = pareError(() => decodeImage(new TextEncoder().encode('hello, world'), 'notes.png'));
    expect(e.code).toBe('bad-data');
    expect(e.message).toMatch(/^'notes.png' is not an image/);
  });
});
