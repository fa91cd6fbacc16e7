/**
 * Parts of a data set, as views (batches read through to the parent, in-memory arrays are subarrays). Calibrated
 * methods (wanda, obs, gptq) read their samples from the start of the data, so a figure measured on those same
 * samples would flatter what they made: the search validates on what follows them, and the studio measures every
 * model, the original included, without them.
 */
import { countText, plural, type Dataset } from './dataset';

/**
 * Samples `start` to `end` of `data` as a data set of their own, described as `what`.
 * @example sliceDataset(data, 0, 512, 'calibration').description // 'calibration: samples 1–512 of ...'
 */
export function sliceDataset(data: Dataset, start: number, end: number, what: string): Dataset {
  const s = Math.max(0, Math.min(start, data.size));
  const e = Math.max(s, Math.min(end, data.size));
  const per = data.sampleShape.reduce((a, b) => a * b, 1);
  return {
    ...data,
    size: e - s,
    description: `${what}: samples ${s + 1}–${e} of ${data.description}`,
    inputs: data.inputs ? data.inputs.subarray(s * per, e * per) : null,
    labels: data.labels ? data.labels.subarray(s, e) : null,
    batch: (a, b) => data.batch(s + Math.max(0, a), s + Math.max(0, Math.min(b, e - s))),
  };
}

/**
 * `data` without its first `count` samples, with a description that says what was left out; `count` 0 returns
 * the data set itself.
 * @example withoutFirst(data, 256).size // data.size - 256
 */
export function withoutFirst(data: Dataset, count: number): Dataset {
  const skip = Math.max(0, Math.min(Math.floor(count), data.size));
  if (skip === 0) return data;
  const rest = data.size - skip;
  return {
    ...sliceDataset(data, skip, data.size, 'held out'),
    description: `${countText(rest)} of ${data.description.replace(/\.$/, '')}; the first ${plural(skip, 'sample')} calibrate and are not measured.`,
  };
}
