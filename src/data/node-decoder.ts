/**
 * A small PNG decoder for Node (the CLI and tests), where no browser decodes images. It reads what evaluation
 * sets are made of: 8-bit gray, gray+alpha, RGB, RGBA and palette images, not interlaced. Anything else is
 * refused with a sentence that says so; chunk CRCs are checked so damaged files are told apart from unusual ones.
 */
import { unzlibSync } from 'fflate';
import { PareError, bytesText } from '../errors';
import { crc32 } from '../files/crc32';
import { sniffImageFormat, type DecodedImage, type ImageDecoder } from './image-decoder';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const WHAT_WE_READ = 'Pare decodes PNG only outside the browser (8-bit gray, RGB, RGBA or palette, not interlaced)';

/** Channels per colour type (PNG spec table 11.1). */
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

function corrupt(name: string, why: string): PareError {
  return new PareError('bad-data', `'${name}' is a damaged PNG: ${why}.`, { file: name });
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Reverses PNG's per-row filters in place order, returning the raw scanlines without filter bytes. */
function unfilter(data: Uint8Array, width: number, height: number, bpp: number, name: string): Uint8Array {
  const stride = width * bpp;
  if (data.length < (stride + 1) * height) {
    throw corrupt(name, `its image data is ${bytesText(data.length)}; ${width}x${height} pixels need ${bytesText((stride + 1) * height)}`);
  }
  const out = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = data[y * (stride + 1)];
    const src = y * (stride + 1) + 1;
    const row = y * stride;
    const prev = row - stride;
    for (let x = 0; x < stride; x++) {
      const raw = data[src + x];
      const a = x >= bpp ? out[row + x - bpp] : 0;
      const b = y > 0 ? out[prev + x] : 0;
      const c = x >= bpp && y > 0 ? out[prev + x - bpp] : 0;
      let v: number;
      switch (filter) {
        case 0: v = raw; break;
        case 1: v = raw + a; break;
        case 2: v = raw + b; break;
        case 3: v = raw + ((a + b) >> 1); break;
        case 4: v = raw + paeth(a, b, c); break;
        default: throw corrupt(name, `row ${y + 1} has filter type ${filter}; PNG defines 0 to 4`);
      }
      out[row + x] = v & 0xff;
    }
  }
  return out;
}

/**
 * Decodes a PNG to RGBA.
 *
 * @throws PareError('bad-data') for a damaged file (bad signature, CRC, truncated data), PareError('unsupported')
 *   for 16-bit, sub-byte or interlaced PNGs and for other formats (JPEG ...)
 * @example
 *   const { width, height, rgba } = decodePng(bytes, 'cat/001.png');
 */
export function decodePng(bytes: Uint8Array, name: string): DecodedImage {
  if (bytes.length < 8 || SIGNATURE.some((b, i) => bytes[i] !== b)) {
    const kind = sniffImageFormat(bytes);
    if (kind) throw new PareError('unsupported', `'${name}' is a ${kind} image; ${WHAT_WE_READ}.`, { file: name });
    throw new PareError('bad-data', `'${name}' is not an image: it does not start with a PNG (or JPEG, GIF, WebP, BMP) signature.`, { file: name });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 8;
  let header: { width: number; height: number; depth: number; type: number; interlace: number } | null = null;
  let palette: Uint8Array | null = null;
  let alpha: Uint8Array | null = null;
  const idat: Uint8Array[] = [];
  let ended = false;
  while (pos < bytes.length && !ended) {
    if (pos + 12 > bytes.length) throw corrupt(name, `it ends inside a chunk header at byte ${pos}`);
    const length = view.getUint32(pos);
    const type = String.fromCharCode(bytes[pos + 4], bytes[pos + 5], bytes[pos + 6], bytes[pos + 7]);
    if (pos + 12 + length > bytes.length) throw corrupt(name, `chunk '${type}' needs ${bytesText(length)} but the file ends first`);
    const body = bytes.subarray(pos + 8, pos + 8 + length);
    const stored = view.getUint32(pos + 8 + length);
    if (crc32(bytes.subarray(pos + 4, pos + 8 + length)) !== stored) throw corrupt(name, `chunk '${type}' fails its CRC check`);
    pos += 12 + length;
    if (type === 'IHDR') {
      const h = new DataView(body.buffer, body.byteOffset, body.byteLength);
      header = { width: h.getUint32(0), height: h.getUint32(4), depth: body[8], type: body[9], interlace: body[12] };
    } else if (type === 'PLTE') palette = body;
    else if (type === 'tRNS') alpha = body;
    else if (type === 'IDAT') idat.push(body);
    else if (type === 'IEND') ended = true;
  }
  if (!header) throw corrupt(name, 'it has no IHDR chunk');
  const { width, height, depth, type, interlace } = header;
  const channels = CHANNELS[type];
  if (channels === undefined) throw corrupt(name, `its colour type is ${type}; PNG defines 0, 2, 3, 4 and 6`);
  if (depth !== 8) {
    throw new PareError('unsupported', `'${name}' has ${depth}-bit samples; ${WHAT_WE_READ}.`, { file: name });
  }
  if (interlace !== 0) throw new PareError('unsupported', `'${name}' is interlaced; ${WHAT_WE_READ}.`, { file: name });
  if (width === 0 || height === 0) throw corrupt(name, `it is ${width}x${height} pixels`);
  if (idat.length === 0) throw corrupt(name, 'it has no image data (IDAT chunk)');
  if (type === 3 && !palette) throw corrupt(name, 'it is a palette image without a palette (PLTE chunk)');

  const joined = new Uint8Array(idat.reduce((n, c) => n + c.length, 0));
  idat.reduce((off, c) => (joined.set(c, off), off + c.length), 0);
  let inflated: Uint8Array;
  try {
    inflated = unzlibSync(joined);
  } catch (e) {
    throw corrupt(name, `its image data does not decompress (${(e as Error).message})`);
  }
  const raw = unfilter(inflated, width, height, channels, name);
  return { width, height, rgba: toRgba(raw, width * height, type, palette, alpha) };
}

function toRgba(raw: Uint8Array, n: number, type: number, palette: Uint8Array | null, alpha: Uint8Array | null): Uint8Array {
  const out = new Uint8Array(n * 4);
  for (let i = 0; i < n; i++) {
    const o = i * 4;
    switch (type) {
      case 0: out[o] = out[o + 1] = out[o + 2] = raw[i]; out[o + 3] = 255; break;
      case 4: out[o] = out[o + 1] = out[o + 2] = raw[2 * i]; out[o + 3] = raw[2 * i + 1]; break;
      case 2: out[o] = raw[3 * i]; out[o + 1] = raw[3 * i + 1]; out[o + 2] = raw[3 * i + 2]; out[o + 3] = 255; break;
      case 6: out.set(raw.subarray(4 * i, 4 * i + 4), o); break;
      case 3: {
        const p = raw[i];
        out[o] = palette![3 * p] ?? 0;
        out[o + 1] = palette![3 * p + 1] ?? 0;
        out[o + 2] = palette![3 * p + 2] ?? 0;
        out[o + 3] = alpha && p < alpha.length ? alpha[p] : 255;
        break;
      }
    }
  }
  return out;
}

/** The Node image decoder: PNG only, via `decodePng`. */
export const pngDecoder: ImageDecoder = {
  async decode(bytes: Uint8Array, name: string): Promise<DecodedImage> {
    return decodePng(bytes, name);
  },
};
