/**
 * Apply with calibrated methods, over a fake worker client: the recipe names the calibration data, Apply binds it
 * to the open data, holds its first samples out of every measurement (so the original is measured again on the
 * same samples), and refuses with a sentence when there is no data or too little to keep a held-out part.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { lastPruneStepOf, quantizeStepOf } from '../../src/recipe/schema';
import { applyCurrent, closeData, openDataFiles, setCalibrationSamples, setGlobalSparsity, setPrecision, setPruneMethod, setRounding } from './actions';
import { fakeSourceFiles, type FakeClient } from './fake-client';
import { freshStudioWithModel } from './fake-studio';
import { currentDataKey, currentRecipe } from './selectors';
import { studio } from './store';

let client: FakeClient;
const state = () => studio.getState();

beforeEach(async () => {
  client = await freshStudioWithModel();
  setGlobalSparsity(0.8);
  setPrecision({ bits: 4 });
  setPruneMethod('obs');
  setRounding('gptq');
});

describe('Apply with calibrated methods', () => {
  it('says that data is needed when none is open, and builds nothing', async () => {
    expect(await applyCurrent()).toBe(false);
    expect(state().jobError).toMatchObject({ job: 'apply', code: 'missing-data', message: expect.stringContaining('open data in the Data panel') });
    expect(client.callsOf('applyRecipe')).toHaveLength(0);
  });

  it('refuses calibration samples that leave too little to measure on', async () => {
    await openDataFiles(fakeSourceFiles('t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'));
    setCalibrationSamples(90);
    expect(await applyCurrent()).toBe(false);
    expect(state().jobError?.message).toBe(
      'Calibration reads the first 90 samples and measurement uses the rest, but the data has only 100: use at most 75 calibration samples, or open more data.',
    );
    expect(state().data?.heldOut).toBe(0);
  });

  it('binds the open data, holds the calibration samples out of measurement, and measures the original on the rest', async () => {
    await openDataFiles(fakeSourceFiles('t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'));
    setCalibrationSamples(40);
    const recipe = currentRecipe(state());
    expect(lastPruneStepOf(recipe)).toMatchObject({ method: 'obs', data: 'calibration', samples: 40 });
    expect(quantizeStepOf(recipe)).toMatchObject({ method: 'gptq', data: 'calibration', samples: 40 });
    const before = currentDataKey(state());

    expect(await applyCurrent()).toBe(true);
    const dataId = state().data!.id;
    expect(client.callsOf('applyRecipe')[0]![2]).toEqual({ calibration: dataId });
    expect(state().data?.heldOut).toBe(40);
    expect(currentDataKey(state())).not.toBe(before);
    const measured = client.callsOf('measure');
    expect(measured.map((a) => a[1])).toEqual(['variant-1', null]);
    expect(measured.every((a) => (a[2] as { heldOut?: number }).heldOut === 40)).toBe(true);
    // Every entry now carries a measurement made on the held-out samples.
    expect(state().variants.every((v) => v.measuredOn === currentDataKey(state()))).toBe(true);
  });

  it('keeps the hold-out when the same data is opened again, and drops it with other data', async () => {
    await openDataFiles(fakeSourceFiles('t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'));
    setCalibrationSamples(40);
    expect(await applyCurrent()).toBe(true);
    await openDataFiles(fakeSourceFiles('t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'));
    expect(state().data?.heldOut).toBe(40);
    closeData();
    await openDataFiles(fakeSourceFiles('other-images-idx3-ubyte.gz', 'other-labels-idx1-ubyte.gz'));
    expect(state().data?.heldOut).toBe(0);
  });
});
