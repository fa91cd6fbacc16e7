/** The sensitivity slice: each layer's measured sensitivity, filled row by row while the analysis runs. */
import type { SensitivityRow } from '../../src/worker/api';

export interface SensitivityState {
  rows: SensitivityRow[];
  /** The original's accuracy on the same samples, when the data is labelled (rows then read as drops). */
  original: number | null;
  /** What it was measured on: "sensitivity: samples 1–256 of ...", once known. */
  data: string | null;
  /** True once every prunable tensor has its row; false while running or after a cancel. */
  complete: boolean;
}

export interface SensitivitySlice {
  sensitivity: SensitivityState | null;
}

export function initialSensitivitySlice(): SensitivitySlice {
  return { sensitivity: null };
}
