/**
 * Jobs over the fake client: Cancel stops the job cooperatively and keeps what it finished; variants go to the
 * worker by handle only (registered again, not re-applied, when the worker lost them); Apply on a recipe that
 * already has a variant says so; the histogram goes through its action.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { recipeHash } from '../../src/recipe/schema';
import type { Measurement } from '../../src/worker/api';
import {
  applyCurrent,
  cancelJob,
  exportSelected,
  loadHistogram,
  measureAll,
  newSession,
  openFiles,
  selectVariant,
  setGlobalSparsity,
  setStudioClient,
} from './actions';
import { setSaver } from '../files/download';
import { FakeClient, fakeMeasurement, inventory, fakeSourceFiles } from './fake-client';
import { currentRecipe } from './selectors';
import { resetStudio, studio } from './store';
import { ORIGINAL } from './variants-slice';

let client: FakeClient;
const state = () => studio.getState();

beforeEach(() => {
  resetStudio();
  client = new FakeClient();
  setStudioClient(client);
});


async function openModel(id = 'model-1'): Promise<void> {
  const n = client.opens.length;
  const done = openFiles(fakeSourceFiles('m/model.json'));
  await vi.waitFor(() => expect(client.opens.length).toBe(n + 1));
  client.opens[n].resolve({ id, inventory: inventory(10) });
  expect(await done).toBe(true);
}

describe('cancelling a job', () => {
  beforeEach(() => openModel());

  it('stops Apply while it measures: the built variant stays, no further step starts, and a notice says where', async () => {
    const measuring = new Set<string | null>();
    client.handlers.measure = (_, recipe) => {
      measuring.add(recipe && recipeHash(recipe));
      return new Promise<Measurement>(() => {});
    };
    setGlobalSparsity(0.5);
    const applying = applyCurrent();
    await vi.waitFor(() => expect(state().job?.stepLabel).toBe('Measuring Variant 1'));
    cancelJob();
    expect(state().job?.cancelling).toBe(true);
    expect(await applying).toBe(false);
    expect(state().job).toBeNull();
    expect(state().jobError).toBeNull();
    expect(state().notice).toEqual({ job: 'apply', text: 'Cancelled while measuring Variant 1; what was finished before is kept.' });
    // Built before the cancel: kept, with its stats, and not measured; the original was never started.
    const variant = state().variants[1];
    expect(variant).toMatchObject({ name: 'Variant 1', built: { sparsity: 0.5 }, measurement: null });
    expect(measuring.size).toBe(1);
    // The worker was not restarted: the model is the same, and the next Apply uses the handle it already has.
    expect(state().model?.id).toBe('model-1');
    client.handlers.measure = async (_, recipe, options) => fakeMeasurement(recipe, options);
    expect(await applyCurrent()).toBe(true);
    expect(client.callsOf('applyRecipe')).toHaveLength(2);
    expect(client.callsOf('measure').map((a) => a[1])).toEqual(['variant-1', 'variant-1', null]);
    expect(state().variants[1].measurement).not.toBeNull();
  });
});

describe('measuring in small batches', () => {
  it('asks for batches of 16, except from a model whose input fixes its batch size', async () => {
    await openModel();
    await measureAll();
    expect(client.callsOf('measure')[0][2]).toMatchObject({ batchSize: 16 });
    const fixed = inventory(10);
    fixed.inputs = [{ name: 'input', shape: [1, 192, 192, 3], dtype: 'int32' }];
    studio.setState((s) => ({ model: { ...s.model!, inventory: fixed } }));
    await measureAll();
    expect(client.callsOf('measure')[1][2]).not.toHaveProperty('batchSize');
  });
});

describe('a worker that ignored the cancel', () => {
  beforeEach(() => openModel());

  it('ends the job with a notice saying the worker was restarted, and the model is opened again', async () => {
    client.handlers.measure = () => new Promise<Measurement>(() => {});
    setGlobalSparsity(0.5);
    const applying = applyCurrent();
    await vi.waitFor(() => expect(state().job?.stepLabel).toBe('Measuring Variant 1'));
    // What the real client does once the grace period after the abort has passed.
    client.restartAfterCancel();
    expect(await applying).toBe(false);
    expect(state().notice?.text).toBe(
      'Cancelled while measuring Variant 1; the worker did not stop in time, so it was restarted and the model is opened again.',
    );
    await vi.waitFor(() => expect(client.opens).toHaveLength(2));
    client.opens[1].resolve({ id: 'model-2', inventory: inventory(10) });
    await vi.waitFor(() => expect(state().model?.id).toBe('model-2'));
    expect(state().variants[1].built).not.toBeNull();
    expect(state().variantHandles).toEqual({});
  });
});

describe('a job cancelled by "New session"', () => {
  it('ends quietly: the fresh session shows no notice about the old model', async () => {
    await openModel();
    client.handlers.measure = () => new Promise<Measurement>(() => {});
    setGlobalSparsity(0.5);
    const applying = applyCurrent();
    await vi.waitFor(() => expect(state().job?.stepLabel).toBe('Measuring Variant 1'));
    await newSession();
    expect(await applying).toBe(false);
    expect(state().job).toBeNull();
    expect(state().notice).toBeNull();
    expect(state().variants).toHaveLength(1);
  });
});

describe('variant handles', () => {
  beforeEach(() => openModel());

  it('after a worker restart, registers the recipes again (no Apply) and measures by the new handles', async () => {
    setGlobalSparsity(0.5);
    expect(await applyCurrent()).toBe(true);
    client.crash();
    // The restart handler reopens the model in the "new worker".
    await vi.waitFor(() => expect(client.opens).toHaveLength(2));
    client.opens[1].resolve({ id: 'model-2', inventory: inventory(10) });
    await vi.waitFor(() => expect(state().model?.id).toBe('model-2'));
    expect(state().variantHandles).toEqual({});
    expect(await measureAll()).toBe(true);
    const hash = recipeHash(currentRecipe(state()));
    expect(client.callsOf('registerVariants')).toEqual([['model-2', [hash]]]);
    expect(client.callsOf('applyRecipe')).toHaveLength(1);
    expect(client.callsOf('measure').slice(-2)).toEqual([
      ['model-2', null, expect.anything()],
      ['model-2', 'variant-2', expect.anything()],
    ]);
  });

  it('exports and bins by handle', async () => {
    setGlobalSparsity(0.5);
    await applyCurrent();
    const previous = setSaver(() => {});
    try {
      expect(await exportSelected()).toBe(true);
    } finally {
      setSaver(previous);
    }
    expect(client.callsOf('exportVariant')).toEqual([['model-1', 'variant-1']]);
    const h = await loadHistogram(state().selectedId, 'fc1/kernel');
    expect(h.storedAfter).toBe('uint8');
    expect((await loadHistogram(ORIGINAL, 'fc1/kernel')).after).toBeNull();
    expect(client.callsOf('histogram')).toEqual([
      ['model-1', 'variant-1', 'fc1/kernel'],
      ['model-1', null, 'fc1/kernel'],
    ]);
  });
});

describe('Apply on a recipe that already has a variant', () => {
  beforeEach(() => openModel());

  it('selects it and says so', async () => {
    setGlobalSparsity(0.5);
    await applyCurrent();
    expect(state().notice).toBeNull();
    selectVariant(ORIGINAL);
    expect(await applyCurrent()).toBe(true);
    expect(state().selectedId).not.toBe(ORIGINAL);
    expect(state().notice).toEqual({ job: 'apply', text: "This recipe is already variant 'Variant 1' — selected it." });
    expect(client.callsOf('applyRecipe')).toHaveLength(1);
  });

  it('says the recipe that changes nothing is the original', async () => {
    expect(await applyCurrent()).toBe(true);
    expect(state().selectedId).toBe(ORIGINAL);
    expect(state().notice?.text).toBe('This recipe changes nothing: it is the original, so the original is selected.');
  });

  it('clears the notice when the next job starts', async () => {
    setGlobalSparsity(0.5);
    await applyCurrent();
    await applyCurrent();
    expect(state().notice).not.toBeNull();
    setGlobalSparsity(0.7);
    await applyCurrent();
    expect(state().notice).toBeNull();
  });
});
