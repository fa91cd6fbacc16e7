/**
 * Calibration samples held out of measurement. The calibrated methods read their samples from the start of the
 * open data, so from the first calibrated Apply (or search) on, every model, the original included, is measured on
 * the samples after them: figures are never measured on what calibrated them, and stay comparable.
 */
import { DEFAULT_CALIBRATION_SAMPLES } from '../../src/recipe/steps';
import type { Recipe, StudioError } from '../../src/worker/api';
import { studio } from './store';

/** Calibration samples the recipe's steps read from the start of the data; 0 when it uses no data. */
export function calibrationSamplesOf(recipe: Recipe): number {
  return recipe.steps.reduce((n, step) => {
    if (!('data' in step) || step.data !== 'calibration') return n;
    return Math.max(n, ('samples' in step ? step.samples : undefined) ?? DEFAULT_CALIBRATION_SAMPLES);
  }, 0);
}

const count = (n: number) => n.toLocaleString('en-US');

/**
 * Before work that calibrates on the first `samples` of the open data: the data is open and large enough to keep
 * a quarter or more for measurement, and those samples are held out from now on (so models measured before are
 * measured again on the same samples). Returns why it cannot run (`withoutData` when no data is open), or null.
 */
export function holdOutCalibration(samples: number, withoutData: string): StudioError | null {
  if (samples === 0) return null;
  const data = studio.getState().data;
  if (!data) return { code: 'missing-data', message: withoutData };
  const size = data.summary.size;
  if (size - samples < Math.max(1, Math.ceil(size / 4))) {
    return {
      code: 'bad-options',
      message: `Calibration reads the first ${count(samples)} samples and measurement uses the rest, but the data has only ${count(size)}: use at most ${count(Math.floor((size * 3) / 4))} calibration samples, or open more data.`,
    };
  }
  if (samples > data.heldOut) studio.setState({ data: { ...data, heldOut: samples } });
  return null;
}
