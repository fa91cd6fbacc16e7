/**
 * The data-reader contract, in the shape of the model readers (src/formats/types.ts): each kind of data set is
 * one `DataReader`; `openDataset` tries them in order over the unpacked drop and the first whose `match` is true
 * opens it.
 */
import type { Dataset, DataTarget } from '../evaluate/dataset';
import type { InputFile } from '../model/types';
import type { ImageDecoder } from './image-decoder';

export interface OpenDatasetOptions {
  /** CSV only: the label column's header name (default 'label'). */
  labelColumn?: string;
  /** Decodes images; without one, image folders cannot be read. */
  decoder?: ImageDecoder;
  /** A labels file for the class order when the model has none. */
  labelsFile?: InputFile;
}

export interface DataContext {
  /** The usable files as src/files left them: archives unpacked, names normalised, junk dropped. */
  readonly files: readonly InputFile[];
  /** Every folder in the drop, empty ones included (for reporting classes with nothing in them). */
  readonly folders: readonly string[];
  /** What the model takes: input shape, preprocessing, its own class names. */
  readonly target: DataTarget;
  readonly options: OpenDatasetOptions;
}

export interface DataReader {
  /** Short id ('idx', 'csv', 'image-folders'). */
  id: string;
  /** Cheap test on names and first bytes: is the drop this kind of data? */
  match(ctx: DataContext): boolean;
  /** Reads it, or throws a PareError naming the file and what is wrong. */
  open(ctx: DataContext): Dataset;
}
