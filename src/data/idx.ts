/**
 * The IDX format of MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/), raw or gzipped.
 *
 * Layout: two zero bytes, one element-type byte, one byte giving the number of dimensions, then each dimension
 * as a big-endian uint32, then the elements in row-major order, multi-byte elements big-endian.
 */
import { gzipSync } from 'fflate';
import { PareError, bytesText } from '../errors';
import { gunzipFile } from '../files/gunzip';
import { UnpackBudget } from '../files/limits';

export type IdxDtype = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export interface IdxArray {
  /** Dimensions, outermost first: [count, rows, cols] for an image file, [count] for a label file. */
  dims: number[];
  dtype: IdxDtype;
  /** Elements in row-major order, converted to the platform's byte order. */
  data: IdxData;
}

/** Element-type byte -> dtype and element size in bytes. */
const ELEMENT_TYPES: Record<number, { dtype: IdxDtype; size: number }> = {
  0x08: { dtype: 'uint8', size: 1 },
  0x09: { dtype: 'int8', size: 1 },
  0x0b: { dtype: 'int16', size: 2 },
  0x0c: { dtype: 'int32', size: 4 },
  0x0d: { dtype: 'float32', size: 4 },
  0x0e: { dtype: 'float64', size: 8 },
};

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === GZIP_MAGIC_0 && bytes[1] === GZIP_MAGIC_1;
}

function hex(n: number, width: number): string {
  return '0x' + n.toString(16).padStart(width, '0');
}

/** Dropped files arrive gunzipped by src/files; this is for callers with raw bytes (scripts, tests), on the same budget. */
function gunzip(bytes: Uint8Array, fileName: string): Uint8Array {
  return gunzipFile({ name: fileName, data: bytes }, new UnpackBudget());
}

/**
 * Reads an IDX file, gzipped (detected by the gzip magic 1f 8b) or raw.
 *
 * @param bytes the file's bytes
 * @param fileName the name used in error messages
 * @throws PareError('bad-data') for a bad magic number, an unknown element type, or data shorter (or longer)
 *   than the header's dimensions need
 * @example
 *   const { dims, data } = readIdx(bytes, 't10k-images-idx3-ubyte.gz'); // dims [10000, 28, 28], Uint8Array
 */
export function readIdx(bytes: Uint8Array, fileName: string): IdxArray {
  const raw = isGzip(bytes) ? gunzip(bytes, fileName) : bytes;
  if (raw.length < 4) {
    throw new PareError(
      'bad-data',
      `'${fileName}' is ${bytesText(raw.length)} long; an IDX file needs at least a 4-byte header.`,
      { file: fileName },
    );
  }
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const magic = view.getUint32(0, false);
  if (raw[0] !== 0 || raw[1] !== 0) {
    throw new PareError(
      'bad-data',
      `'${fileName}' starts with magic number ${hex(magic, 8)}; an IDX file starts with two zero bytes ` +
        `(0x00000803 for images, 0x00000801 for labels).`,
      { file: fileName },
    );
  }
  const type = ELEMENT_TYPES[raw[2]];
  if (!type) {
    throw new PareError(
      'bad-data',
      `'${fileName}' has IDX element type ${hex(raw[2], 2)}; supported types are 0x08 (uint8), 0x09 (int8), ` +
        `0x0b (int16), 0x0c (int32), 0x0d (float32) and 0x0e (float64).`,
      { file: fileName },
    );
  }
  const rank = raw[3];
  const headerBytes = 4 + 4 * rank;
  if (raw.length < headerBytes) {
    throw new PareError(
      'bad-data',
      `'${fileName}' is ${bytesText(raw.length)} long; its header declares ${rank} dimensions and needs ` +
        `${bytesText(headerBytes)} for them.`,
      { file: fileName },
    );
  }
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const count = dims.reduce((a, b) => a * b, 1);
  const needed = headerBytes + count * type.size;
  if (raw.length !== needed) {
    const shape = dims.join('x');
    const what = raw.length < needed ? 'is truncated' : 'has trailing bytes';
    throw new PareError(
      'bad-data',
      `'${fileName}' ${what}: it is ${bytesText(raw.length)} long; a ${type.dtype} array of shape ${shape} ` +
        `needs ${bytesText(needed)}.`,
      { file: fileName },
    );
  }
  return { dims, dtype: type.dtype, data: decode(view, headerBytes, count, type.dtype) };
}

function decode(view: DataView, offset: number, count: number, dtype: IdxDtype): IdxData {
  switch (dtype) {
    case 'uint8':
      // A copy, so the result does not keep a decompressed buffer or the caller's bytes alive or aliased.
      return new Uint8Array(view.buffer.slice(view.byteOffset + offset, view.byteOffset + offset + count));
    case 'int8':
      return new Int8Array(view.buffer.slice(view.byteOffset + offset, view.byteOffset + offset + count));
    case 'int16': {
      const out = new Int16Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt16(offset + 2 * i, false);
      return out;
    }
    case 'int32': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(offset + 4 * i, false);
      return out;
    }
    case 'float32': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(offset + 4 * i, false);
      return out;
    }
    case 'float64': {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(offset + 8 * i, false);
      return out;
    }
  }
}

/** Images and their labels, as read and checked by `readIdxPair`. */
export interface IdxImageSet {
  /** Number of images (= number of labels). */
  count: number;
  /** Image dimensions after the count: [rows, cols] for MNIST-style files, [rows, cols, channels] for some. */
  imageShape: number[];
  /** Pixels, count * prod(imageShape), row-major. */
  images: Uint8Array;
  /** One class index per image. */
  labels: Uint8Array;
}

/** A named file, as `readIdxPair` takes them (structurally the same as the core's InputFile). */
export interface NamedBytes {
  name: string;
  data: Uint8Array;
}

/**
 * Reads an image file and a label file and checks they belong together: uint8 pixels with at least 2 image
 * dimensions, uint8 labels with one dimension, and the same count in both.
 *
 * @throws PareError('bad-data') naming the file, e.g. "'x-labels' has 999 labels; 'x-images' has 1,000 images."
 * @example
 *   const set = readIdxPair({ name: 'imgs.gz', data: a }, { name: 'labels.gz', data: b });
 */
export function readIdxPair(images: NamedBytes, labels: NamedBytes): IdxImageSet {
  const img = readIdx(images.data, images.name);
  const lab = readIdx(labels.data, labels.name);
  if (img.dtype !== 'uint8' || img.dims.length < 3) {
    throw new PareError(
      'bad-data',
      `'${images.name}' holds a ${img.dtype} array of shape [${img.dims.join(', ')}]; an image file holds ` +
        `uint8 pixels of shape [count, rows, cols].`,
      { file: images.name },
    );
  }
  if (lab.dtype !== 'uint8' || lab.dims.length !== 1) {
    throw new PareError(
      'bad-data',
      `'${labels.name}' holds a ${lab.dtype} array of shape [${lab.dims.join(', ')}]; a label file holds ` +
        `uint8 labels of shape [count].`,
      { file: labels.name },
    );
  }
  const count = img.dims[0];
  if (lab.dims[0] !== count) {
    const n = (x: number) => x.toLocaleString('en-US');
    throw new PareError(
      'bad-data',
      `'${labels.name}' has ${n(lab.dims[0])} label${lab.dims[0] === 1 ? '' : 's'}; '${images.name}' has ` +
        `${n(count)} image${count === 1 ? '' : 's'}.`,
      { file: labels.name },
    );
  }
  return {
    count,
    imageShape: img.dims.slice(1),
    images: img.data as Uint8Array,
    labels: lab.data as Uint8Array,
  };
}

/**
 * Writes a uint8 IDX file (element type 0x08), raw or gzipped. Used to ship the evaluation subset.
 *
 * @param dims dimensions, outermost first; their product must equal data.length
 * @param data the elements in row-major order
 * @param options gzip: compress the result (level 9, mtime 0 so the same input gives the same bytes)
 * @example
 *   writeIdx([1000], labels, { gzip: true })
 */
export function writeIdx(dims: number[], data: Uint8Array, options: { gzip?: boolean } = {}): Uint8Array {
  if (dims.length > 255) {
    throw new PareError('bad-options', `IDX allows at most 255 dimensions; got ${dims.length}.`);
  }
  for (const d of dims) {
    if (!Number.isInteger(d) || d < 0 || d > 0xffffffff) {
      throw new PareError('bad-options', `IDX dimensions are integers from 0 to 4,294,967,295; got ${d}.`);
    }
  }
  const count = dims.reduce((a, b) => a * b, 1);
  if (count !== data.length) {
    throw new PareError(
      'bad-options',
      `Dimensions [${dims.join(', ')}] need ${count.toLocaleString('en-US')} elements; got ` +
        `${data.length.toLocaleString('en-US')}.`,
    );
  }
  const header = 4 + 4 * dims.length;
  const out = new Uint8Array(header + count);
  const view = new DataView(out.buffer);
  out[2] = 0x08;
  out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, header);
  return options.gzip ? gzipSync(out, { level: 9, mtime: 0 }) : out;
}
