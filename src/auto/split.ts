/**
 * One data set in two parts: calibration samples from its start, validation samples after them, so a figure the
 * search reports is never measured on what it calibrated with.
 */
import { PareError } from '../errors';
import type { Dataset } from '../evaluate/dataset';
import { sliceDataset } from '../evaluate/dataset-slice';

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
