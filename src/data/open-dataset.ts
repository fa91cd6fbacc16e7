/**
 * The data-reader registry and the one entry point for "the user dropped some data": the drop is unpacked once
 * by src/files (zips, gzipped IDX), then the first reader whose `match` is true opens it. The worker and
 * `pare eval --data` both go through here.
 */
import { PareError } from '../errors';
import type { Dataset, DataTarget } from '../evaluate/dataset';
import { unpackDrop, type UnpackLimits } from '../files';
import type { InputFile } from '../model/types';
import { csvReader } from './csv';
import { idxReader } from './idx-dataset';
import { imageFolderReader } from './image-folders';
import type { DataContext, DataReader, OpenDatasetOptions } from './types';

export type { DataContext, DataReader, OpenDatasetOptions } from './types';
export { looksLikeIdx } from './idx-dataset';

/** In order: IDX and CSV by name and content; image folders last, since they explain whatever else was found. */
export const dataReaders: readonly DataReader[] = [idxReader, csvReader, imageFolderReader];

/**
 * Reads whatever evaluation data was dropped: one or two IDX files (images, and labels), one CSV/TSV file, or
 * image folders (decoded with `options.decoder`); any of these zipped.
 *
 * @throws PareError('empty-input') for no files; the container errors of src/files (a zip bomb, a damaged zip);
 *   PareError('bad-data') for an unusable mix (three IDX files) and whatever the chosen reader throws
 * @example
 *   const data = openDataset(files, dataTargetFor(model), { decoder: nodeImageDecoder });
 */
export function openDataset(
  files: InputFile[],
  target: DataTarget,
  options: OpenDatasetOptions & { limits?: Partial<UnpackLimits> } = {},
): Dataset {
  if (files.length === 0) throw new PareError('empty-input', 'No data was given; expected image folders, a zip, a CSV, or IDX files.');
  const drop = unpackDrop(files, options.limits);
  if (drop.files.length === 0 && drop.folders.length === 0) {
    throw new PareError(
      'empty-input',
      `Only hidden or system files were given (${files.slice(0, 3).map((f) => `'${f.name}'`).join(', ')}); expected image folders, a zip, a CSV, or IDX files.`,
      { file: files[0].name },
    );
  }
  const ctx: DataContext = { files: drop.files, folders: drop.folders, target, options };
  return dataReaders.find((r) => r.match(ctx))!.open(ctx);
}
