/**
 * The image decoder for Node (the CLI and tests), where no browser decodes images: JPEG through jpeg-js, PNG
 * through pngjs (every colour type and bit depth, palettes with transparency, Adam7 interlacing; 16-bit samples
 * scaled to 8 bits). Both are pure JS. The image size is read from the header and checked before any pixel
 * buffer is allocated. Only the CLI and tests import this file; the studio worker uses browser-decoder.ts.
 */
import { decode as decodeJpegFile } from 'jpeg-js';
import { PNG } from 'pngjs';
import { PareError } from '../errors';
import { quoteName } from '../files/quote';
import { checkImageSize, MAX_IMAGE_PIXELS, sniffImageFormat, type DecodedImage, type ImageDecoder } from './image-decoder';

const WHAT_WE_READ = 'outside the browser Pare decodes PNG and JPEG';

/**
 * Decodes a PNG or JPEG file to RGBA, 8 bits per channel.
 *
 * @throws PareError('bad-data') for a damaged file or bytes that are no image; PareError('unsupported') for other
 *   formats (GIF, WebP, BMP); PareError('too-large') past MAX_IMAGE_PIXELS
 * @example
 *   const { width, height, rgba } = decodeImage(bytes, 'cat/001.jpg');
 */
export function decodeImage(bytes: Uint8Array, name: string): DecodedImage {
  const kind = sniffImageFormat(bytes);
  if (kind === 'PNG') return decodePng(bytes, name);
  if (kind === 'JPEG') return decodeJpeg(bytes, name);
  if (kind) throw new PareError('unsupported', `${quoteName(name)} is a ${kind} image; ${WHAT_WE_READ}.`, { file: name });
  throw new PareError('bad-data', `${quoteName(name)} is not an image: it does not start with a PNG or JPEG (or GIF, WebP, BMP) signature.`, {
    file: name,
  });
}

function decodePng(bytes: Uint8Array, name: string): DecodedImage {
  checkImageSize(bytes, name);
  let png: { width: number; height: number; data: Uint8Array };
  try {
    png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (e) {
    throw damaged(name, 'PNG', e);
  }
  return { width: png.width, height: png.height, rgba: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength) };
}

function decodeJpeg(bytes: Uint8Array, name: string): DecodedImage {
  checkImageSize(bytes, name);
  try {
    const { width, height, data } = decodeJpegFile(bytes, {
      useTArray: true,
      formatAsRGBA: true,
      maxResolutionInMP: MAX_IMAGE_PIXELS / 1e6,
      maxMemoryUsageInMB: 1024,
    });
    return { width, height, rgba: data };
  } catch (e) {
    throw damaged(name, 'JPEG', e);
  }
}

function damaged(name: string, kind: string, e: unknown): PareError {
  const reason = (e instanceof Error ? e.message : String(e)).replace(/\.$/, '');
  return new PareError('bad-data', `${quoteName(name)} is a damaged ${kind} file: ${reason}.`, { file: name });
}

/** The Node image decoder behind the ImageDecoder interface. */
export const nodeImageDecoder: ImageDecoder = {
  async decode(bytes: Uint8Array, name: string): Promise<DecodedImage> {
    return decodeImage(bytes, name);
  },
};
