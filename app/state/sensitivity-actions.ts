/**
 * The sensitivity analysis, run in the worker on the open data's first samples (the ones the calibrated methods
 * read). Rows arrive one layer at a time and are shown at once; a cancel keeps those already measured.
 */
import { STUDIO_CALIBRATION_SAMPLES } from '../../src/studio/controls';
import type { JobProgress } from '../../src/worker/api';
import { studioClient } from './client';
import { runJob } from './jobs';
import { studio } from './store';

export async function measureSensitivity(): Promise<boolean> {
  const s = studio.getState();
  if (!s.model || s.job) return false;
  if (!s.data) {
    studio.setState({ jobError: { job: 'sensitivity', code: 'missing-data', message: 'Sensitivity is measured on data: open data in the Data panel first.' } });
    return false;
  }
  const model = s.model;
  const dataId = s.data.id;
  const samples = Math.min(s.controls.calibrationSamples ?? STUDIO_CALIBRATION_SAMPLES, s.data.summary.size);
  studio.setState({ sensitivity: { rows: [], original: null, data: null, complete: false } });
  return runJob('sensitivity', 'Sensitivity of each layer', 1, async (ctx) => {
    ctx.step('Measuring each layer alone');
    const onProgress = (p: JobProgress) => {
      const row = p.streamed?.kind === 'sensitivity-row' ? p.streamed.row : null;
      if (row && studio.getState().model?.id === model.id) {
        studio.setState((st) => ({ sensitivity: st.sensitivity && { ...st.sensitivity, rows: [...st.sensitivity.rows, row] } }));
      }
      ctx.progress(p);
    };
    const result = await studioClient().sensitivity(model.id, dataId, samples, { ...ctx.job, onProgress });
    if (studio.getState().model?.id !== model.id) return;
    studio.setState({ sensitivity: { rows: result.rows, original: result.original.accuracy, data: result.data, complete: result.complete } });
  });
}
