/**
 * Image decoding is the one step that differs between the browser and Node, so it sits behind this interface:
 * the worker passes a decoder built on createImageBitmap + OffscreenCanvas (browser-decoder.ts), Node uses
 * node-decoder.ts (jpeg-js and pngjs). Both check the size an image declares before decoding it.
 */
import { PareError } from '../errors';
import { quoteName } from '../files/quote';

/** Decoded pixels, always RGBA, 8 bits per channel, row-major. */
export interface DecodedImage {
  width: number;
  height: number;
  rgba: Uint8Array | Uint8ClampedArray;
}

export interface ImageDecoder {
  /**
   * Decodes one image file.
   * @param bytes the file's bytes
   * @param name the file's name, for error messages
   * @throws PareError('bad-data') for a corrupt file, PareError('unsupported') for a format it cannot read;
   *   image-folder readers record either as a skipped file and go on
   */
  decode(bytes: Uint8Array, name: string): Promise<DecodedImage>;
}

/** File names image-folder readers treat as images (the decoder may still refuse some formats). */
export const IMAGE_EXTENSIONS = ['png', 'jpg', 'jpeg', 'gif', 'bmp', 'webp'] as const;

export function isImageName(name: string): boolean {
  const ext = name.toLowerCase().split('.').pop() ?? '';
  return (IMAGE_EXTENSIONS as readonly string[]).includes(ext);
}

/** Names a format from its first bytes, for messages: 'PNG', 'JPEG', 'GIF', 'WebP', 'BMP' or null. */
export function sniffImageFormat(bytes: Uint8Array): string | null {
  const b = bytes;
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'PNG';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'JPEG';
  if (b.length >= 6 && b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46) return 'GIF';
  if (b.length >= 12 && b[0] === 0x52 && b[1] === 0x49 && b[8] === 0x57 && b[9] === 0x45) return 'WebP';
  if (b.length >= 2 && b[0] === 0x42 && b[1] === 0x4d) return 'BMP';
  return null;
}

/** Images larger than this are refused before decoding: 100 megapixels is 400 MB of RGBA. */
export const MAX_IMAGE_PIXELS = 100_000_000;

/**
 * The size a PNG (IHDR) or JPEG (first SOFn frame header) declares, read without decoding; null for other
 * formats or when the header is not there (the decoder then says what is wrong).
 */
export function sniffImageSize(b: Uint8Array): { width: number; height: number } | null {
  const format = sniffImageFormat(b);
  if (format === 'PNG' && b.length >= 24) {
    const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
    return { width: view.getUint32(16), height: view.getUint32(20) };
  }
  if (format !== 'JPEG') return null;
  let at = 2;
  while (at + 9 < b.length && b[at] === 0xff) {
    const marker = b[at + 1];
    // SOF0..SOF15, except DHT (c4), JPG (c8) and DAC (cc), which share the range.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: (b[at + 5] << 8) | b[at + 6], width: (b[at + 7] << 8) | b[at + 8] };
    }
    at += 2 + ((b[at + 2] << 8) | b[at + 3]);
  }
  return null;
}

/**
 * Refuses an image whose declared size passes MAX_IMAGE_PIXELS, before any pixel buffer is allocated: a few
 * hundred bytes of PNG can declare 100,000 x 100,000 pixels.
 *
 * @throws PareError('too-large') naming the file and its size
 */
export function checkImageSize(bytes: Uint8Array, name: string): void {
  const size = sniffImageSize(bytes);
  if (size && size.width * size.height > MAX_IMAGE_PIXELS) {
    throw new PareError(
      'too-large',
      `${quoteName(name)} is ${size.width.toLocaleString('en-US')}x${size.height.toLocaleString('en-US')} pixels; Pare decodes images ` +
        `of at most ${(MAX_IMAGE_PIXELS / 1e6).toLocaleString('en-US')} megapixels.`,
      { file: name },
    );
  }
}
