/**
 * The evaluation data set every reader produces and `evaluateModel` consumes.
 *
 * Samples are already preprocessed to the model's input shape (one sample = `sampleShape`, row-major, HWC for
 * images). Small sets (IDX, CSV) live in memory as one Float32Array; image folders decode lazily, batch by batch,
 * so 10,000 photos never sit in memory as floats at once. Because a lazily decoded file can turn out corrupt, a
 * batch may hold fewer samples than asked for; what was left out is appended to `skipped` with the reason.
 */
import type { Preprocessing } from './preprocessing';

/** Something in the user's data that was not used, and why. Repeated reasons are aggregated (`count`). */
export interface SkippedItem {
  /** A file name ('cat/003.png'), a folder ('dog/'), or a range of samples ('samples 12, 40 and 3 more'). */
  item: string;
  /** One sentence: what was expected, what was found. */
  reason: string;
  /** How many samples (or files) this entry stands for. */
  count: number;
}

/** One batch of samples, as `Dataset.batch` returns it. */
export interface Batch {
  /** `count * prod(sampleShape)` floats, row-major. */
  inputs: Float32Array;
  /** One class index per sample (an index into the data set's `classNames`), or null for unlabelled data. */
  labels: Int32Array | null;
  /** Samples in this batch (may be fewer than asked for when files were skipped while decoding). */
  count: number;
}

export type DatasetKind = 'idx' | 'csv' | 'images' | 'generated';

export interface Dataset {
  kind: DatasetKind;
  /** Samples to go through (for lazily decoded images: files found; some may still be skipped when decoded). */
  size: number;
  /** Shape of one sample, without the batch dimension, matching the model's input. */
  sampleShape: number[];
  /** Class names in the model's output order (index i names output i). Empty when unknown and unlabelled. */
  classNames: string[];
  /** Where `classNames` came from, for the UI ('edited': the user's own names, given to the studio's openData). */
  classSource: 'model' | 'labels-file' | 'folders' | 'data' | 'indices' | 'none' | 'edited';
  /** Whether samples carry labels (accuracy) or not (fidelity only). */
  labelled: boolean;
  /** The image preprocessing applied, or null for tabular data. */
  preprocessing: Preprocessing | null;
  /** What was not used and why. Lazy readers append to it while batches are read. */
  skipped: SkippedItem[];
  /** One line for the UI and the CLI: "10,000 images of 28x28 from 't10k-images-idx3-ubyte.gz', 10 classes." */
  description: string;
  /** The whole set as one array, when it lives in memory (IDX, CSV); null for lazily decoded sets. */
  inputs: Float32Array | null;
  /** All labels, when known up front; null for unlabelled or lazily decoded sets. */
  labels: Int32Array | null;
  /** Samples `start` (inclusive) to `end` (exclusive) of the `size` candidates. */
  batch(start: number, end: number): Promise<Batch>;
}

/** Elements in one sample. */
export function sampleSize(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * Wraps samples that are already in memory as a Dataset. `batch` returns views (no copies), so evaluation does
 * no more work per batch than a bare predict loop.
 */
export function inMemoryDataset(fields: Omit<Dataset, 'batch' | 'size' | 'inputs'> & { inputs: Float32Array }): Dataset {
  const per = sampleSize(fields.sampleShape);
  const size = per === 0 ? 0 : fields.inputs.length / per;
  return {
    ...fields,
    size,
    async batch(start: number, end: number): Promise<Batch> {
      const s = Math.max(0, Math.min(start, size));
      const e = Math.max(s, Math.min(end, size));
      return {
        inputs: fields.inputs.subarray(s * per, e * per),
        labels: fields.labels ? fields.labels.subarray(s, e) : null,
        count: e - s,
      };
    },
  };
}

/** Formats a count with thousands separators ("10,000"). */
export function countText(n: number): string {
  return n.toLocaleString('en-US');
}

/** "1 image" / "2 images". */
export { formatPlural as plural } from '../text/wording';

/**
 * Groups skipped samples with the same reason into one entry, quoting up to three sample numbers (1-based, as a
 * person counts them) so the message stays readable when thousands are skipped.
 */
export function aggregateSkipped(indices: number[], reason: string, noun = 'sample'): SkippedItem {
  const shown = indices.slice(0, 3).map((i) => countText(i + 1));
  const rest = indices.length - shown.length;
  const list = rest > 0 ? `${shown.join(', ')} and ${countText(rest)} more` : joinAnd(shown);
  return { item: `${indices.length === 1 ? noun : noun + 's'} ${list}`, reason, count: indices.length };
}

/** "a", "a and b", "a, b and c". */
export function joinAnd(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** What the readers need to know about the model the data is for. */
export interface DataTarget {
  /** The model's input shape, batch dimension first (null or -1 for free dimensions). */
  inputShape: (number | null)[];
  /** Image preprocessing: from `inferPreprocessing`, possibly edited by the user. */
  preprocessing: Preprocessing;
  /** Class names from the model's metadata, in output order. */
  modelLabels?: string[];
  /** Width of the model's output, when known: labels at or beyond it cannot be scored and are skipped. */
  numClasses?: number;
}
