/**
 * One data set in two parts: calibration samples from its start, validation samples after them, so a figure the
 * search reports is never measured on what it calibrated with.
 */
import { PareError } from '../errors';
import type { Dataset } from '../evaluate/dataset';

/** Samples `start` to `end` of `data` as a data set of their own (a view: no copy). */
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
    batch: (a, b) => data.batch(s + Math.max(0, a), s + Math.min(b, e - s)),
  };
}

export interface Split {
  calibration: Dataset;
  validation: Dataset;
}

/**
 * The first `calibration` samples (at most half the data) for calibrating, the next up to `validation` for
 * validating. Refuses data too small to give both parts at least 32 samples.
 */
export function splitDataset(data: Dataset, calibration = 512, validation = 2000): Split {
  if (data.size < 64) {
    throw new PareError('bad-data', `The data has ${data.size} samples; the search needs at least 64 (calibration and validation of 32 or more each).`);
  }
  const cal = Math.min(calibration, Math.floor(data.size / 2));
  return {
    calibration: sliceDataset(data, 0, cal, 'calibration'),
    validation: sliceDataset(data, cal, cal + validation, 'validation'),
  };
}
