/**
 * IDX images (+ labels) as a Dataset: MNIST / Fashion-MNIST files, gzipped or raw, read with `readIdx` /
 * `readIdxPair`. Pixels go through the model's preprocessing (by default scaled to [0, 1]); images of another
 * size than the model takes are resized, and the description says so.
 */
import { PareError } from '../errors';
import type { InputFile } from '../model/types';
import { aggregateSkipped, countText, inMemoryDataset, plural, type Dataset, type DataTarget, type SkippedItem } from '../evaluate/dataset';
import { readIdx, readIdxPair } from './idx';
import { writeModelInput, type PixelImage } from '../evaluate/pixels';
import { describePreprocessing, sampleShapeFor, type Preprocessing } from '../evaluate/preprocessing';
import type { DataReader } from './types';

/** For a features-only model fed IDX pixels of exactly its feature count, treat the pixels as a gray image. */
function imagePreprocessing(p: Preprocessing, rows: number, cols: number, channels: number): Preprocessing {
  if (p.kind === 'image') return p;
  const q = { ...p, kind: 'image' as const, height: rows, width: cols, channels };
  return { ...q, description: describePreprocessing(q) };
}

/**
 * Reads IDX images, with their labels if given, for a model.
 *
 * @param images the images file ([count, rows, cols] or [count, rows, cols, channels], uint8)
 * @param labels the labels file ([count], uint8), or null for fidelity-only use
 * @throws PareError('bad-data') from the IDX reader (bad magic, truncated, counts that differ) and when no
 *   sample is left to use; PareError('shape-mismatch') when the pixels cannot fit the model's input
 * @example
 *   const data = readIdxDataset(imagesFile, labelsFile, target); // 10,000 samples, labelled
 */
export function readIdxDataset(images: InputFile, labels: InputFile | null, target: DataTarget): Dataset {
  let count: number;
  let imageShape: number[];
  let pixels: Uint8Array;
  let rawLabels: Uint8Array | null = null;
  if (labels) {
    const pair = readIdxPair(images, labels);
    ({ count, imageShape, images: pixels } = pair);
    rawLabels = pair.labels;
  } else {
    const arr = readIdx(images.data, images.name);
    if (arr.dtype !== 'uint8' || arr.dims.length < 3 || arr.dims.length > 4) {
      throw new PareError(
        'bad-data',
        `'${images.name}' holds a ${arr.dtype} array of shape [${arr.dims.join(', ')}]; an image file holds ` +
          `uint8 pixels of shape [count, rows, cols].`,
        { file: images.name },
      );
    }
    [count, ...imageShape] = arr.dims;
    pixels = arr.data as Uint8Array;
  }
  const [rows, cols, channels = 1] = imageShape;
  if (imageShape.length > 3 || ![1, 3, 4].includes(channels)) {
    throw new PareError(
      'bad-data',
      `'${images.name}' holds images of shape [${imageShape.join(', ')}]; Pare reads [rows, cols] or ` +
        `[rows, cols, channels] with 1, 3 or 4 channels.`,
      { file: images.name },
    );
  }
  const pre = imagePreprocessing(target.preprocessing, rows, cols, channels);
  const sampleShape = sampleShapeFor(target.inputShape, pre);
  const per = pre.height * pre.width * pre.channels;

  // Which samples can be scored: labels beyond the model's classes cannot.
  const numClasses = target.modelLabels?.length ?? target.numClasses;
  const keep: number[] = [];
  const outOfRange = new Map<number, number[]>();
  for (let i = 0; i < count; i++) {
    const l = rawLabels ? rawLabels[i] : 0;
    if (rawLabels && numClasses !== undefined && l >= numClasses) {
      if (!outOfRange.has(l)) outOfRange.set(l, []);
      outOfRange.get(l)!.push(i);
    } else keep.push(i);
  }
  const skipped: SkippedItem[] = [...outOfRange].map(([label, idx]) =>
    aggregateSkipped(idx, `label ${label} is beyond the model's ${numClasses} classes (0 to ${numClasses! - 1})`),
  );
  if (keep.length === 0) {
    const why = count === 0 ? `'${images.name}' holds no images` : `no label in '${labels!.name}' fits the model's ${numClasses} classes`;
    throw new PareError('bad-data', `Nothing to evaluate: ${why}.`, { file: count === 0 ? images.name : labels!.name });
  }

  const inputs = new Float32Array(keep.length * per);
  const img: PixelImage = { width: cols, height: rows, channels, data: pixels };
  const srcPer = rows * cols * channels;
  keep.forEach((s, k) => {
    img.data = pixels.subarray(s * srcPer, (s + 1) * srcPer);
    writeModelInput(img, pre, inputs, k * per);
  });
  const labelArr = rawLabels ? Int32Array.from(keep, (i) => rawLabels![i]) : null;
  const maxLabel = labelArr ? labelArr.reduce((a, b) => Math.max(a, b), 0) : -1;
  const classNames = target.modelLabels?.length
    ? [...target.modelLabels]
    : Array.from({ length: numClasses ?? maxLabel + 1 }, (_, i) => String(i));

  const resized = rows !== pre.height || cols !== pre.width ? `, resized from ${cols}x${rows} to ${pre.width}x${pre.height}` : '';
  const description =
    `${plural(keep.length, 'image')} of ${cols}x${rows} from '${images.name}'${resized}` +
    (labelArr ? `, labelled by '${labels!.name}', ${plural(classNames.length, 'class', 'classes')}` : ', unlabelled') +
    (skipped.length ? `; ${countText(count - keep.length)} skipped` : '') +
    '.';
  return inMemoryDataset({
    kind: 'idx',
    sampleShape,
    classNames,
    classSource: target.modelLabels?.length ? 'model' : labelArr ? 'indices' : 'none',
    labelled: labelArr !== null,
    preprocessing: pre,
    skipped,
    description,
    inputs,
    labels: labelArr,
  });
}

const IDX_TYPES = new Set([0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x0e]);

/** IDX by content (raw: two zero bytes, a known element type) or by name when still gzipped. */
export function looksLikeIdx(f: InputFile): boolean {
  const b = f.data;
  if (b.length >= 4 && b[0] === 0 && b[1] === 0 && IDX_TYPES.has(b[2]) && b[3] > 0 && b[3] < 5) return true;
  const gz = b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
  return gz && /idx\d|ubyte|\.idx/i.test(f.name);
}

/** Of two IDX files, which holds the images: by name (idx3 / images), else the larger one. */
function splitIdx(a: InputFile, b: InputFile): [InputFile, InputFile] {
  const isImages = (f: InputFile) => /idx3|image/i.test(f.name);
  const isLabels = (f: InputFile) => /idx1|label/i.test(f.name);
  if (isImages(a) && isLabels(b)) return [a, b];
  if (isImages(b) && isLabels(a)) return [b, a];
  return a.data.length >= b.data.length ? [a, b] : [b, a];
}

/** One IDX images file, with its labels file if there is one. */
export const idxReader: DataReader = {
  id: 'idx',
  match: (ctx) => ctx.files.some(looksLikeIdx),
  open: (ctx) => {
    const idx = ctx.files.filter(looksLikeIdx);
    if (idx.length > 2) {
      throw new PareError(
        'bad-data',
        `Found ${idx.length} IDX files (${idx.map((f) => `'${f.name}'`).join(', ')}); expected one images file and, optionally, its labels file.`,
      );
    }
    const [images, labels] = idx.length === 2 ? splitIdx(idx[0], idx[1]) : [idx[0], null];
    return readIdxDataset(images, labels, ctx.target);
  },
};
