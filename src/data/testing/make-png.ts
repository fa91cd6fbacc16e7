/**
 * Builds PNG files for tests (and fixtures), written here from the PNG specification rather than by the decoder
 * under test: every colour type, bit depths 1 to 16 (sub-byte samples packed MSB first, 16-bit big-endian), any
 * filter type per row, Adam7 interlacing. Chunks get real CRCs.
 */
import { zlibSync } from 'fflate';
import { crc32 } from '../../files/crc32';

export interface PngSpec {
  width: number;
  height: number;
  /** 0 gray, 2 RGB, 3 palette, 4 gray+alpha, 6 RGBA. */
  colourType: 0 | 2 | 3 | 4 | 6;
  /** Samples row-major, interleaved, each a value at `bitDepth` (palette images: one index per pixel). */
  pixels: ArrayLike<number>;
  /** Filter type per row (0..4), cycling; default all 0. */
  filters?: number[];
  /** For colour type 3: RGB triples. */
  palette?: Uint8Array;
  /** tRNS chunk body. */
  transparency?: Uint8Array;
  /** 1, 2, 4, 8 (default) or 16. */
  bitDepth?: number;
  /** 1 writes Adam7 passes. */
  interlace?: number;
  /** Split the image data over this many IDAT chunks. */
  idatChunks?: number;
}

const CHANNELS = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 } as const;
/** Adam7 passes: first column and row, column and row step. */
const ADAM7 = [
  [0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2],
] as const;

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

/** Packs one row of samples at `depth` bits into bytes. */
function packRow(samples: number[], depth: number): Uint8Array {
  if (depth === 16) {
    const out = new Uint8Array(samples.length * 2);
    samples.forEach((v, i) => ((out[2 * i] = v >> 8), (out[2 * i + 1] = v & 0xff)));
    return out;
  }
  const out = new Uint8Array(Math.ceil((samples.length * depth) / 8));
  samples.forEach((v, i) => {
    const bit = i * depth;
    out[bit >> 3] |= v << (8 - depth - (bit & 7));
  });
  return out;
}

/** Filters packed rows (PNG filters work on bytes; `bpp` is bytes per pixel, at least 1). */
function filterRows(rows: Uint8Array[], bpp: number, filters: number[], firstRow: number): Uint8Array[] {
  return rows.map((row, y) => {
    const f = filters[(firstRow + y) % filters.length];
    const prev = y > 0 ? rows[y - 1] : new Uint8Array(row.length);
    const out = new Uint8Array(row.length + 1);
    out[0] = f;
    for (let x = 0; x < row.length; x++) {
      const a = x >= bpp ? row[x - bpp] : 0;
      const b = prev[x];
      const c = x >= bpp ? prev[x - bpp] : 0;
      const pred = f === 0 ? 0 : f === 1 ? a : f === 2 ? b : f === 3 ? (a + b) >> 1 : paeth(a, b, c);
      out[1 + x] = (row[x] - pred) & 0xff;
    }
    return out;
  });
}

/** Encodes a PNG. */
export function makePng(spec: PngSpec): Uint8Array {
  const channels = CHANNELS[spec.colourType];
  const depth = spec.bitDepth ?? 8;
  const bpp = Math.max(1, (channels * depth) >> 3);
  const filters = spec.filters ?? [0];
  const sample = (x: number, y: number) => Array.from({ length: channels }, (_, c) => spec.pixels[(y * spec.width + x) * channels + c]);
  const passes = spec.interlace === 1 ? ADAM7 : ([[0, 0, 1, 1]] as const);
  const scanlines: Uint8Array[] = [];
  let rowIndex = 0;
  for (const [x0, y0, dx, dy] of passes) {
    const rows: Uint8Array[] = [];
    for (let y = y0; y < spec.height; y += dy) {
      const samples: number[] = [];
      for (let x = x0; x < spec.width; x += dx) samples.push(...sample(x, y));
      if (samples.length > 0) rows.push(packRow(samples, depth));
    }
    scanlines.push(...filterRows(rows, bpp, filters, rowIndex));
    rowIndex += rows.length;
  }
  const raw = new Uint8Array(scanlines.reduce((n, r) => n + r.length, 0));
  scanlines.reduce((off, r) => (raw.set(r, off), off + r.length), 0);
  const ihdr = new Uint8Array(13);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, spec.width);
  v.setUint32(4, spec.height);
  ihdr[8] = depth;
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
