/**
 * The part of a data set that calibration did not see. Calibrated methods (wanda, obs, gptq) read their samples
 * from the start of the data, so measuring a variant they made on those same samples would flatter it: the studio
 * measures every model, the original included, on what follows them.
 */
import { countText, plural, type Batch, type Dataset } from './dataset';

/**
 * `dataset` without its first `count` samples: a view (batches read through to the parent, in-memory arrays are
 * subarrays), with a description that says what was left out. `count` 0 returns the data set itself.
 * @example withoutFirst(data, 256).size // data.size - 256
 */
export function withoutFirst(dataset: Dataset, count: number): Dataset {
  const skip = Math.max(0, Math.min(Math.floor(count), dataset.size));
  if (skip === 0) return dataset;
  const per = dataset.sampleShape.reduce((a, b) => a * b, 1);
  const size = dataset.size - skip;
  return {
    ...dataset,
    size,
    description: `${countText(size)} of ${dataset.description.replace(/\.$/, '')}; the first ${plural(skip, 'sample')} calibrate and are not measured.`,
    inputs: dataset.inputs ? dataset.inputs.subarray(skip * per) : null,
    labels: dataset.labels ? dataset.labels.subarray(skip) : null,
    // The parent's list: lazy readers append to it as they decode, and both views report the same files.
    skipped: dataset.skipped,
    batch(start: number, end: number): Promise<Batch> {
      const s = Math.max(0, Math.min(start, size));
      const e = Math.max(s, Math.min(end, size));
      return dataset.batch(s + skip, e + skip);
    },
  };
}
