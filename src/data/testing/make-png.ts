/**
 * Builds PNG files for tests (and fixtures): any colour type at 8 bits, any filter type per row, so the decoder
 * is exercised on what real encoders write. Chunks get real CRCs; `corrupt*` helpers break files on purpose.
 */
import { zlibSync } from 'fflate';
import { crc32 } from '../../files/crc32';

export interface PngSpec {
  width: number;
  height: number;
  /** 0 gray, 2 RGB, 3 palette, 4 gray+alpha, 6 RGBA. */
  colourType: 0 | 2 | 3 | 4 | 6;
  /** Samples row-major, interleaved (palette images: one index per pixel). */
  pixels: Uint8Array;
  /** Filter type per row (0..4), cycling; default all 0. */
  filters?: number[];
  /** For colour type 3: RGB triples. */
  palette?: Uint8Array;
  /** tRNS chunk body. */
  transparency?: Uint8Array;
  /** Overrides for broken files. */
  bitDepth?: number;
  interlace?: number;
  /** Split the image data over this many IDAT chunks. */
  idatChunks?: number;
}

const CHANNELS = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 } as const;

function chunk(type: string, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + body.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, body.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(body, 8);
  view.setUint32(8 + body.length, crc32(out.subarray(4, 8 + body.length)));
  return out;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Encodes a PNG. */
export function makePng(spec: PngSpec): Uint8Array {
  const bpp = CHANNELS[spec.colourType];
  const stride = spec.width * bpp;
  const filters = spec.filters ?? [0];
  const raw = new Uint8Array((stride + 1) * spec.height);
  for (let y = 0; y < spec.height; y++) {
    const f = filters[y % filters.length];
    raw[y * (stride + 1)] = f;
    for (let x = 0; x < stride; x++) {
      const cur = spec.pixels[y * stride + x];
      const a = x >= bpp ? spec.pixels[y * stride + x - bpp] : 0;
      const b = y > 0 ? spec.pixels[(y - 1) * stride + x] : 0;
      const c = x >= bpp && y > 0 ? spec.pixels[(y - 1) * stride + x - bpp] : 0;
      const pred = f === 0 ? 0 : f === 1 ? a : f === 2 ? b : f === 3 ? (a + b) >> 1 : paeth(a, b, c);
      raw[y * (stride + 1) + 1 + x] = (cur - pred) & 0xff;
    }
  }
  const ihdr = new Uint8Array(13);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, spec.width);
  v.setUint32(4, spec.height);
  ihdr[8] = spec.bitDepth ?? 8;
  ihdr[9] = spec.colourType;
  ihdr[12] = spec.interlace ?? 0;
  const compressed = zlibSync(raw);
  const parts = [new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr)];
  if (spec.palette) parts.push(chunk('PLTE', spec.palette));
  if (spec.transparency) parts.push(chunk('tRNS', spec.transparency));
  const n = spec.idatChunks ?? 1;
  const step = Math.ceil(compressed.length / n);
  for (let i = 0; i < compressed.length; i += step) parts.push(chunk('IDAT', compressed.subarray(i, i + step)));
  parts.push(chunk('IEND', new Uint8Array(0)));
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  parts.reduce((off, p) => (out.set(p, off), off + p.length), 0);
  return out;
}

/** A gray PNG whose every pixel is `value`. */
export function solidGrayPng(width: number, height: number, value: number): Uint8Array {
  return makePng({ width, height, colourType: 0, pixels: new Uint8Array(width * height).fill(value) });
}

/** An RGB PNG whose every pixel is [r, g, b]. */
export function solidRgbPng(width: number, height: number, rgb: [number, number, number]): Uint8Array {
  const pixels = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) pixels.set(rgb, i * 3);
  return makePng({ width, height, colourType: 2, pixels });
}
