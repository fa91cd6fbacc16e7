/** The sensitivity analysis over a fake worker client: needs data, streams rows into the state, keeps them. */
import { beforeEach, describe, expect, it } from 'vitest';
import { measureSensitivity, openDataFiles, setCalibrationSamples } from './actions';
import { fakeSourceFiles, type FakeClient } from './fake-client';
import { freshStudioWithModel } from './fake-studio';
import { studio } from './store';

let client: FakeClient;
const state = () => studio.getState();

beforeEach(async () => {
  client = await freshStudioWithModel();
});

describe('measureSensitivity', () => {
  it('needs data', async () => {
    expect(await measureSensitivity()).toBe(false);
    expect(state().jobError).toMatchObject({ job: 'sensitivity', code: 'missing-data' });
  });

  it('shows each row as it is streamed, then the whole result, on the calibration samples', async () => {
    await openDataFiles(fakeSourceFiles('t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'));
    setCalibrationSamples(300);
    const seen: number[] = [];
    const fallback = client.handlers.sensitivity;
    client.handlers.sensitivity = (modelId, dataId, samples, job) =>
      fallback(modelId, dataId, samples, { ...job, onProgress: (p) => (job?.onProgress?.(p), seen.push(state().sensitivity!.rows.length)) });
    expect(await measureSensitivity()).toBe(true);
    // Rows arrive one at a time, before the job ends.
    expect(seen).toEqual([1, 2]);
    // The data has 100 samples: the analysis reads all of them, not more.
    expect(client.callsOf('sensitivity')).toEqual([['model-1', state().data!.id, 100]]);
    expect(state().sensitivity).toMatchObject({ complete: true, original: 0.9, data: 'sensitivity: samples 1–100 of data' });
    expect(state().sensitivity!.rows.map((r) => r.tensor)).toEqual(['fc1/kernel', 'fc2/kernel']);
  });
});
