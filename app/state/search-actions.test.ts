/**
 * Find over a fake worker client: it needs data, holds the calibration samples out of measurement, puts the
 * answer into the controls and applies it; a cancelled search keeps the best recipe so far in the controls, and a
 * search that finds nothing says so and leaves the controls alone.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { lastPruneStepOf, quantizeStepOf } from '../../src/recipe/schema';
import { findSmallest, openDataFiles, setCalibrationSamples, setSearchTarget } from './actions';
import { fakeSourceFiles, type FakeClient } from './fake-client';
import { freshStudioWithModel } from './fake-studio';
import { currentRecipe } from './selectors';
import { studio } from './store';

let client: FakeClient;
const state = () => studio.getState();

beforeEach(async () => {
  client = await freshStudioWithModel();
});

describe('Find the smallest recipe', () => {
  it('needs data', async () => {
    expect(await findSmallest()).toBe(false);
    expect(state().jobError).toMatchObject({ job: 'search', code: 'missing-data' });
    expect(client.callsOf('findRecipe')).toHaveLength(0);
  });

  it('searches the open data for the target, puts the answer in the controls and applies it on held-out samples', async () => {
    await openDataFiles(fakeSourceFiles('t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'));
    setCalibrationSamples(40);
    setSearchTarget({ kind: 'max-drop', points: 1 });
    expect(await findSmallest()).toBe(true);
    expect(client.callsOf('findRecipe')).toEqual([['model-1', state().data!.id, { kind: 'max-drop', points: 1 }, 40]]);
    const recipe = currentRecipe(state());
    expect(lastPruneStepOf(recipe)).toMatchObject({ sparsity: 0.6, method: 'obs', samples: 40 });
    expect(quantizeStepOf(recipe)).toMatchObject({ default: { bits: 4 }, method: 'gptq' });
    expect(state().controls).toMatchObject({ globalSparsity: 0.6, pruneMethod: 'obs', rounding: 'gptq', calibrationSamples: 40 });
    expect(client.callsOf('applyRecipe')).toHaveLength(1);
    expect(state().data?.heldOut).toBe(40);
    expect(client.callsOf('measure').every((a) => (a[2] as { heldOut?: number }).heldOut === 40)).toBe(true);
  });

  it('keeps the best so far in the controls when cancelled, without applying it', async () => {
    await openDataFiles(fakeSourceFiles('t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'));
    setCalibrationSamples(40);
    const fallback = client.handlers.findRecipe;
    client.handlers.findRecipe = async (...args) => ({ ...(await fallback(...args)), complete: false });
    expect(await findSmallest()).toBe(false);
    expect(state().controls.globalSparsity).toBe(0.6);
    expect(client.callsOf('applyRecipe')).toHaveLength(0);
    expect(state().notice?.text).toMatch(/cancelled after 1 recipe; the best so far is in the controls/);
  });

  it('says when no recipe met the target, and leaves the controls alone', async () => {
    await openDataFiles(fakeSourceFiles('t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'));
    setCalibrationSamples(40);
    const fallback = client.handlers.findRecipe;
    client.handlers.findRecipe = async (...args) => ({ ...(await fallback(...args)), recipe: null, best: null });
    const before = state().controls;
    expect(await findSmallest()).toBe(false);
    expect(state().controls).toBe(before);
    expect(state().notice?.text).toBe("The one recipe tried is not within 0.5 points of the original's accuracy; the controls are unchanged.");
  });
});
