/**
 * The studio's actions over a fake worker client: controls and the recipe they stand for, the debounced estimate,
 * Apply and Measure with their job, variants (rename, delete, select), data following the model, export and
 * recipes, and the session saved and restored.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { lastPruneStepOf, parseRecipe, quantizeStepOf, recipeHash, type Recipe } from '../../src/recipe/schema';
import { setSaver } from '../files/download';
import {
  applyCurrent,
  cancelJob,
  deleteVariant,
  downloadExportFile,
  exportSelected,
  loadRecipeFile,
  measureAll,
  newSession,
  openDataFiles,
  openFiles,
  renameVariant,
  resetLayer,
  restoreSession,
  selectVariant,
  setGlobalSparsity,
  setLayerPrecision,
  setLayerSparsity,
  setDataScale,
  setPrecision,
  setStudioClient,
  startEstimates,
  startPersistence,
} from './actions';
import { denseWeights, FakeClient, inventory, settle, fakeSourceFiles } from './fake-client';
import { memorySessionStore } from './persistence';
import { currentRecipe } from './selectors';
import { resetStudio, studio } from './store';
import { ORIGINAL } from './variants-slice';

let client: FakeClient;
const state = () => studio.getState();
const weights = [...denseWeights('fc1', 784, 300), ...denseWeights('fc2', 300, 10)];

beforeEach(() => {
  resetStudio();
  client = new FakeClient();
  setStudioClient(client);
});

afterEach(() => {
  vi.useRealTimers();
});


/** Opens a model through the real action, answering the fake's open call. */
async function openModel(id = 'model-1'): Promise<void> {
  const n = client.opens.length;
  const done = openFiles(fakeSourceFiles('m/model.json', 'm/group1-shard1of1.bin'));
  await vi.waitFor(() => expect(client.opens.length).toBe(n + 1));
  client.opens[n].resolve({ id, inventory: inventory(238_510, 'model.json', weights) });
  expect(await done).toBe(true);
}

describe('controls', () => {
  it('say the recipe Apply will use, in whole percents, with per-layer overrides and their reset', () => {
    setGlobalSparsity(0.505);
    setPrecision('uint8');
    expect(currentRecipe(state())).toEqual(parseRecipe({ pare: 'recipe', version: 1, prune: { sparsity: 0.51 }, quantize: { default: 'uint8' } }));
    setGlobalSparsity(1.5);
    expect(state().controls.globalSparsity).toBe(0.99);
    setLayerSparsity('fc2/kernel', 0);
    setLayerPrecision('fc2/kernel', 'none');
    expect(lastPruneStepOf(currentRecipe(state()))!.perTensor).toEqual([{ match: 'fc2/kernel', sparsity: 0 }]);
    expect(quantizeStepOf(currentRecipe(state()))!.perTensor).toEqual([{ match: 'fc2/kernel', precision: 'none' }]);
    resetLayer('fc2/kernel');
    expect(state().controls.layers).toEqual({});
  });
});

describe('the live estimate', () => {
  it('waits for the slider to settle, asks once with the last recipe, and drops stale answers', async () => {
    vi.useFakeTimers();
    await openModel();
    const stop = startEstimates(150);
    await vi.advanceTimersByTimeAsync(200);
    expect(client.callsOf('estimateSize')).toHaveLength(1);
    for (const s of [0.1, 0.2, 0.3, 0.4]) {
      setGlobalSparsity(s);
      await vi.advanceTimersByTimeAsync(50);
    }
    expect(state().estimate.status).toBe('pending');
    expect(client.callsOf('estimateSize')).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(150);
    expect(client.callsOf('estimateSize')).toHaveLength(2);
    expect(lastPruneStepOf(client.callsOf('estimateSize')[1][1] as Recipe)!.sparsity).toBe(0.4);
    expect(state().estimate).toMatchObject({ status: 'ready', hash: recipeHash(currentRecipe(state())) });
    expect(state().estimate.value?.sparsity).toBe(0.4);

    // An answer that arrives after the recipe changed again is not shown.
    let release!: () => void;
    client.handlers.estimateSize = (_, recipe) =>
      new Promise((resolve) => (release = () => resolve({ modelJsonBytes: 1, weightBytes: 1, weightGzipBytes: 1, totalBytes: 2, totalGzipBytes: 2, sparsity: lastPruneStepOf(recipe)?.sparsity ?? 0 })));
    setGlobalSparsity(0.6);
    await vi.advanceTimersByTimeAsync(200);
    setGlobalSparsity(0.7);
    release();
    await vi.advanceTimersByTimeAsync(0);
    expect(state().estimate.status).toBe('pending');
    stop();
  });
});

describe('Apply and Measure', () => {
  beforeEach(async () => {
    await openModel();
    await openDataFiles(fakeSourceFiles('t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'));
  });

  it('builds and measures a new variant, measures the original once, and selects the variant', async () => {
    setGlobalSparsity(0.5);
    setPrecision('uint8');
    expect(await applyCurrent()).toBe(true);
    const hash = recipeHash(currentRecipe(state()));
    expect(client.callsOf('applyRecipe')).toHaveLength(1);
    // Measured by the handle Apply returned, never by recipe.
    expect(client.callsOf('measure').map((a) => a[1])).toEqual(['variant-1', null]);
    expect(state().variantHandles).toEqual({ [hash]: 'variant-1' });
    expect((client.callsOf('measure')[0][2] as { dataId: string }).dataId).toBe('data-for-model-1');
    const [original, variant] = state().variants;
    expect(variant).toMatchObject({ id: hash, name: 'Variant 1', summary: '50% global · uint8', built: { sparsity: 0.5 } });
    expect(variant.measurement?.quality?.value).toBeCloseTo(0.85, 10);
    expect(original.measurement?.quality?.value).toBeCloseTo(0.9, 10);
    expect(state().selectedId).toBe(hash);
    expect(state().job).toBeNull();

    // The same recipe again: no new variant, nothing stale to measure.
    expect(await applyCurrent()).toBe(true);
    expect(state().variants).toHaveLength(2);
    expect(client.callsOf('measure')).toHaveLength(2);

    setGlobalSparsity(0.8);
    await applyCurrent();
    expect(state().variants.map((v) => v.name)).toEqual(['Original', 'Variant 1', 'Variant 2']);
    expect(client.callsOf('measure')).toHaveLength(3);
  });

  it('shows the job while it runs, and a cancel keeps what was measured and drops the unbuilt variant', async () => {
    setGlobalSparsity(0.5);
    await applyCurrent();
    setGlobalSparsity(0.9);
    client.handlers.applyRecipe = () => new Promise(() => {});
    const applying = applyCurrent();
    await vi.waitFor(() => expect(state().job?.stepLabel).toBe('Building Variant 2'));
    expect(state().job).toMatchObject({ kind: 'apply', step: 1, steps: 2 });
    expect(await applyCurrent()).toBe(false); // one job at a time
    cancelJob();
    expect(await applying).toBe(false);
    expect(state().job).toBeNull();
    expect(state().jobError).toBeNull();
    expect(state().variants.map((v) => v.name)).toEqual(['Original', 'Variant 1']);
    expect(state().variants[1].measurement).not.toBeNull();
  });

  it('shows a failure beside Apply and keeps the session usable', async () => {
    client.handlers.measure = async () => {
      throw { code: 'shape-mismatch', message: "The data's samples have shape [28, 28, 1]; the model takes [32, 32, 3]." };
    };
    setGlobalSparsity(0.5);
    expect(await applyCurrent()).toBe(false);
    expect(state().jobError?.code).toBe('shape-mismatch');
    // Built, so kept: it can be measured once the data is fixed.
    expect(state().variants).toHaveLength(2);
    client.handlers.measure = new FakeClient().handlers.measure;
    expect(await measureAll()).toBe(true);
    expect(state().variants.every((v) => v.measurement !== null)).toBe(true);
    expect(state().jobError).toBeNull();
  });

  it('renames, selects and deletes variants; the original stays', async () => {
    setGlobalSparsity(0.5);
    await applyCurrent();
    const id = state().variants[1].id;
    renameVariant(id, '  Half  ');
    renameVariant(id, '   ');
    renameVariant(ORIGINAL, 'Mine');
    expect(state().variants.map((v) => v.name)).toEqual(['Original', 'Half']);
    selectVariant(ORIGINAL);
    expect(state().selectedId).toBe(ORIGINAL);
    selectVariant(id);
    deleteVariant(ORIGINAL);
    deleteVariant(id);
    expect(state().variants.map((v) => v.id)).toEqual([ORIGINAL]);
    expect(state().selectedId).toBe(ORIGINAL);
  });
});

describe('data', () => {
  it('keeps files given before a model and opens them for each model opened, closing the old model with its data', async () => {
    expect(await openDataFiles(fakeSourceFiles('labels.csv'))).toBe(false);
    expect(state().dataSource?.label).toBe('labels.csv');
    await openModel('model-1');
    await vi.waitFor(() => expect(state().data?.id).toBe('data-for-model-1'));
    await openModel('model-2');
    await vi.waitFor(() => expect(state().data?.id).toBe('data-for-model-2'));
    // The worker forgets a closed model's data with it.
    expect(client.closed).toEqual(['model-1']);
  });

  it('opens the data again with another pixel scaling, which makes it other data for measurements', async () => {
    await openModel();
    await openDataFiles(fakeSourceFiles('t10k-images-idx3-ubyte.gz'));
    const before = state().data!.key;
    expect(await setDataScale('-1,1')).toBe(true);
    expect(client.callsOf('openData').at(-1)![2]).toEqual({ scale: '-1,1' });
    expect(state().dataSource?.scale).toBe('-1,1');
    expect(state().data!.key).not.toBe(before);
  });

  it('shows why data could not be opened and keeps the files', async () => {
    await openModel();
    client.handlers.openData = async () => {
      throw { code: 'bad-data', message: "Found 3 IDX files ('a', 'b', 'c'); expected one images file and, optionally, its labels file." };
    };
    expect(await openDataFiles(fakeSourceFiles('a', 'b', 'c'))).toBe(false);
    expect(state().dataError?.code).toBe('bad-data');
    expect(state().data).toBeNull();
    expect(state().dataSource?.files).toHaveLength(3);
  });
});

describe('export and recipes', () => {
  beforeEach(async () => {
    await openModel();
  });

  it('exports the selected variant as a zip named after model and variant, and each file alone', async () => {
    const saved: string[] = [];
    const previous = setSaver((name) => saved.push(name));
    try {
      expect(await exportSelected()).toBe(false); // the original is selected
      setGlobalSparsity(0.5);
      await applyCurrent();
      expect(await exportSelected()).toBe(true);
      expect(saved).toEqual(['m-variant-1.zip']);
      expect(state().lastExport?.files.map((f) => f.name)).toEqual(['model.json', 'group1-shard1of1.bin', 'recipe.json']);
      downloadExportFile('recipe.json');
      expect(saved).toEqual(['m-variant-1.zip', 'recipe.json']);
    } finally {
      setSaver(previous);
    }
  });

  it('loads a recipe into the controls; one the sliders cannot say is kept and applied verbatim', async () => {
    const studioRecipe = new File([JSON.stringify({ pare: 'recipe', version: 1, prune: { sparsity: 0.3 } })], 'mine.json');
    expect(await loadRecipeFile(studioRecipe)).toBe(true);
    expect(state().controls.globalSparsity).toBe(0.3);
    expect(state().loadedRecipe).toBeNull();

    const patterned = { pare: 'recipe', version: 1, prune: { sparsity: 0.5 }, quantize: { default: 'uint8', skip: ['*/bias'] } };
    expect(await loadRecipeFile(new File([JSON.stringify(patterned)], 'cli.json'))).toBe(true);
    expect(state().loadedRecipe?.name).toBe('cli.json');
    expect(recipeHash(currentRecipe(state()))).toBe(recipeHash(parseRecipe(patterned)));
    setGlobalSparsity(0.6); // touching a control returns to the sliders
    expect(state().loadedRecipe).toBeNull();

    expect(await loadRecipeFile(new File(['{"pare": "recipe", "version": 2}'], 'bad.json'))).toBe(false);
    expect(state().recipeError).toMatchObject({ code: 'bad-recipe', file: 'bad.json' });
  });
});

describe('the session', () => {
  it('is saved as it changes and restored with its variants on the next load', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const store = memorySessionStore();
    const stop = startPersistence(store, 100);
    await openModel();
    await openDataFiles(fakeSourceFiles('t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'));
    setGlobalSparsity(0.5);
    await applyCurrent();
    await vi.advanceTimersByTimeAsync(150);
    stop();
    expect(store.saved.model?.label).toBe('m');
    expect(store.saved.data?.files).toHaveLength(2);
    expect(store.saved.variants?.variants.map((v) => v.name)).toEqual(['Original', 'Variant 1']);
    vi.useRealTimers();

    // A new page: fresh store and worker.
    resetStudio();
    client = new FakeClient();
    setStudioClient(client);
    const restoring = restoreSession(store);
    expect(state().session).toBe('restoring');
    await vi.waitFor(() => expect(client.opens).toHaveLength(1));
    client.opens[0].resolve({ id: 'model-9', inventory: inventory(238_510, 'model.json', weights) });
    expect(await restoring).toBe(true);
    expect(state().session).toBe('restored');
    expect(state().variants.map((v) => v.name)).toEqual(['Original', 'Variant 1']);
    expect(state().variants[1].measurement?.quality?.value).toBeCloseTo(0.85, 10);
    await vi.waitFor(() => expect(state().data?.id).toBe('data-for-model-9'));
  });

  it('shows a storage failure instead of swallowing it', async () => {
    const store = memorySessionStore();
    store.failWith = { code: 'unreadable', message: "The browser's storage for this site is full, so the session could not be saved." };
    const stop = startPersistence(store, 0);
    await openModel();
    await settle();
    expect(state().storageError?.message).toMatch(/full/);
    stop();
  });

  it('"New session" forgets model, data and variants, here and in storage', async () => {
    const store = memorySessionStore();
    const stop = startPersistence(store, 0);
    await openModel();
    setGlobalSparsity(0.5);
    await applyCurrent();
    await newSession();
    stop();
    expect(state().model).toBeNull();
    expect(state().variants).toHaveLength(1);
    expect(state().controls.globalSparsity).toBe(0);
    expect(store.saved).toEqual({ model: null, data: null, variants: null });
    expect(client.closed).toContain('model-1');
  });
});
