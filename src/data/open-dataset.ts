/**
 * One entry point for "the user dropped some data": decides what it is (IDX pair, CSV, image folders, a zip of
 * any of these) and calls the right reader. The worker and `pare eval --data` both go through here.
 */
import { PareError } from '../errors';
import type { InputFile } from '../model/types';
import { readCsvDataset, type CsvOptions } from './csv';
import type { Dataset, DataTarget } from '../evaluate/dataset';
import { readIdxDataset } from './idx-dataset';
import { readImageFolderDataset, unzipFiles } from './image-folders';
import { isImageName, type ImageDecoder } from './image-decoder';
import { parseLabelsFile } from '../evaluate/class-order';

export interface OpenDatasetOptions {
  /** CSV only: the label column's header name (default 'label'). */
  labelColumn?: CsvOptions['labelColumn'];
  /** Decodes images; without one, image folders cannot be read. */
  decoder?: ImageDecoder;
  /** A labels file for the class order when the model has none. */
  labelsFile?: InputFile;
}

const IDX_TYPES = new Set([0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x0e]);

/** IDX by content (raw: two zero bytes, a known element type) or by name when gzipped. */
export function looksLikeIdx(f: InputFile): boolean {
  const b = f.data;
  if (b.length >= 4 && b[0] === 0 && b[1] === 0 && IDX_TYPES.has(b[2]) && b[3] > 0 && b[3] < 5) return true;
  const gz = b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
  return gz && /idx\d|ubyte|\.idx/i.test(f.name);
}

function isZip(f: InputFile): boolean {
  return f.data.length >= 4 && f.data[0] === 0x50 && f.data[1] === 0x4b && (f.data[2] === 3 || f.data[2] === 5);
}

/** Of two IDX files, which holds the images: by name (idx3 / images), else the larger one. */
function splitIdx(a: InputFile, b: InputFile): [InputFile, InputFile] {
  const isImages = (f: InputFile) => /idx3|image/i.test(f.name);
  const isLabels = (f: InputFile) => /idx1|label/i.test(f.name);
  if (isImages(a) && isLabels(b)) return [a, b];
  if (isImages(b) && isLabels(a)) return [b, a];
  return a.data.length >= b.data.length ? [a, b] : [b, a];
}

/**
 * Reads whatever evaluation data was dropped.
 *
 * - one or two IDX files (images, and labels): `readIdxDataset`
 * - one CSV/TSV file: `readCsvDataset`
 * - a zip: its contents, read by the same rules
 * - anything else: image folders, decoded with `options.decoder`
 *
 * @throws PareError('empty-input') for no files; PareError('bad-data') for an unusable mix (three IDX files,
 *   IDX beside images) and whatever the chosen reader throws
 */
export function openDataset(files: InputFile[], target: DataTarget, options: OpenDatasetOptions = {}): Dataset {
  if (files.length === 0) throw new PareError('empty-input', 'No data was given; expected image folders, a zip, a CSV, or IDX files.');
  if (files.length === 1 && isZip(files[0])) {
    return openDataset(unzipFiles(files[0]), target, options);
  }
  const real = files.filter((f) => !f.name.endsWith('/') && !/(^|\/)(\.|__MACOSX)/.test(f.name));
  const idx = real.filter(looksLikeIdx);
  if (idx.length > 0) {
    if (idx.length > 2) {
      throw new PareError('bad-data', `Found ${idx.length} IDX files (${idx.map((f) => `'${f.name}'`).join(', ')}); expected one images file and, optionally, its labels file.`);
    }
    const [images, labels] = idx.length === 2 ? splitIdx(idx[0], idx[1]) : [idx[0], null];
    return readIdxDataset(images, labels, target);
  }
  const csv = real.filter((f) => /\.(csv|tsv)$/i.test(f.name));
  if (csv.length === 1 && !real.some((f) => isImageName(f.name))) {
    const labelsFile = options.labelsFile ? parseLabelsFile(options.labelsFile) : undefined;
    return readCsvDataset(csv[0], target, { labelColumn: options.labelColumn, labelsFile });
  }
  if (!options.decoder) {
    throw new PareError('unsupported', 'These files look like image folders, and no image decoder was given to read them.');
  }
  return readImageFolderDataset(files, target, options.decoder, { labelsFile: options.labelsFile });
}
