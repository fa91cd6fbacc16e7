/** The data slice: the evaluation data the user gave, as the worker opened it for the open model. */
import type { DataRef, Scale, StudioError } from '../../src/worker/api';
import type { SourceFile } from '../files/source-file';

export interface DataSource {
  /** For people: 'Sample data: Fashion-MNIST (1,000 test images)', 't10k-images-idx3-ubyte.gz + 1 file'. */
  label: string;
  files: SourceFile[];
  /** The user's pixel scaling, replacing the stated or inferred one. */
  scale?: Scale;
  /** The user's class names in output order, replacing the model's, the labels file's or the folders'. */
  classNames?: string[];
}

export interface OpenData {
  /** The worker's handle, for the model it was opened for. */
  id: string;
  source: DataSource;
  summary: DataRef['summary'];
  previews: DataRef['previews'];
  /** Identifies the data across reloads (label and byte count), to tell which measurements used it. */
  key: string;
  /**
   * The first samples, which calibrate the calibrated methods and so are left out of every measurement (0 until a
   * calibrated recipe is applied on this data; it only grows, so figures stay comparable).
   */
  heldOut: number;
}

/** The data as opened for the open model; the files themselves (dataSource) are in the session slice. */
export interface DataSlice {
  data: OpenData | null;
  dataOpening: { label: string } | null;
  dataError: StudioError | null;
}

export function initialDataSlice(): DataSlice {
  return { data: null, dataOpening: null, dataError: null };
}

/** The key of a data source: what identifies "the same data" for measurements. */
export function dataKeyOf(source: DataSource): string {
  const bytes = source.files.reduce((n, f) => n + f.blob.size, 0);
  // Edited names are other data too: image folders match them differently, and results carry their names.
  const classes = source.classNames ? ` · classes ${JSON.stringify(source.classNames)}` : '';
  return `${source.label} · ${bytes}${source.scale ? ` · ${JSON.stringify(source.scale)}` : ''}${classes}`;
}
