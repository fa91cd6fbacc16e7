/**
 * An ImageDecoder for the studio worker: the browser decodes (every format it knows, JPEG included) with
 * createImageBitmap, and an OffscreenCanvas hands back the RGBA pixels. Needs no DOM document, so it runs in
 * a Web Worker. Not available in Node (no createImageBitmap there): Node uses node-decoder.ts.
 */
import { PareError } from '../errors';
import { checkImageSize, sniffImageFormat, type DecodedImage, type ImageDecoder } from './image-decoder';

/** Whether this environment can build the browser decoder. */
export function hasBrowserImageDecoding(): boolean {
  return typeof createImageBitmap === 'function' && typeof OffscreenCanvas === 'function';
}

/**
 * Builds the browser decoder.
 *
 * @example
 *   const data = await readImageFolderDataset(files, target, createBrowserImageDecoder());
 */
export function createBrowserImageDecoder(): ImageDecoder {
  if (!hasBrowserImageDecoding()) {
    throw new PareError('unsupported', 'This environment has no createImageBitmap and OffscreenCanvas to decode images.');
  }
  return {
    async decode(bytes: Uint8Array, name: string): Promise<DecodedImage> {
      checkImageSize(bytes, name); // before createImageBitmap allocates what the header asks for
      let bitmap: ImageBitmap;
      try {
        // A copy into a plain ArrayBuffer: Blob does not accept views over shared or resizable buffers.
        bitmap = await createImageBitmap(new Blob([bytes.slice()]));
      } catch {
        const kind = sniffImageFormat(bytes);
        throw new PareError(
          'bad-data',
          `'${name}' could not be decoded as an image` + (kind ? ` (it starts like a ${kind} file but is damaged).` : '; its bytes are not a known image format.'),
          { file: name },
        );
      }
      try {
        const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
        const ctx = canvas.getContext('2d', { willReadFrequently: true });
        if (!ctx) throw new PareError('unsupported', 'OffscreenCanvas gave no 2D context to read pixels from.');
        ctx.drawImage(bitmap, 0, 0);
        const { data } = ctx.getImageData(0, 0, bitmap.width, bitmap.height);
        return { width: bitmap.width, height: bitmap.height, rgba: data };
      } finally {
        bitmap.close();
      }
    },
  };
}
