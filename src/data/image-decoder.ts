/**
 * Image decoding is the one step that differs between the browser and Node, so it sits behind this interface:
 * the worker passes a decoder built on createImageBitmap + OffscreenCanvas (browser-decoder.ts), Node uses
 * node-decoder.ts (jpeg-js and pngjs).
 */

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
