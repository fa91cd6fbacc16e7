/**
 * New classes over a fake worker client: the cut choices and the class folders are opened for the open model,
 * Train applies a retarget recipe bound to the folders' training images, streams its epochs into the panel's
 * state, and measures the variant on the held-out images, never on the Data panel's data; refusals are kept as
 * sentences, and a cancelled first training leaves no variant behind.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { openDataFiles, measureAll, measureStale } from './actions';
import { loadCutChoices, openClassFolders, retargetRecipeOf, setClassesSettings, trainNewClasses } from './classes-actions';
import { fakeSourceFiles, type FakeClient } from './fake-client';
import { freshStudioWithModel } from './fake-studio';
import { isMeasuredNow, currentDataKey } from './selectors';
import { studio } from './store';
import type { JobOptions, TrainProgress } from '../../src/worker/api';

let client: FakeClient;
const state = () => studio.getState();
const folders = () => fakeSourceFiles(...[1, 2, 3, 4, 5].flatMap((i) => [`Trouser/${i}.png`, `Sneaker/${i}.png`]));
const epoch = (n: number): TrainProgress => ({ kind: 'epoch', epoch: n, loss: 1 / n, accuracy: null, validationLoss: 1 / n, validationAccuracy: 0.5 + n / 10, best: true, seconds: 0.1 });

beforeEach(async () => {
  client = await freshStudioWithModel();
});

describe('New classes', () => {
  it('lists the cuts with the default, and opens the folders with their own classes, split for measuring', async () => {
    await loadCutChoices();
    expect(state().cuts?.defaultCut).toBe('flatten');
    expect(await openClassFolders(folders())).toBe(true);
    expect(client.callsOf('openNewClasses')).toEqual([['model-1', folders().map((f) => f.name), { holdOut: 0.2, seed: 1 }]]);
    expect(state().classes?.classes).toEqual([
      { name: 'Sneaker', images: 5, training: 4, test: 1 },
      { name: 'Trouser', images: 5, training: 4, test: 1 },
    ]);
    expect(state().classes?.label).toBe('Sneaker, Trouser (10 images)');
  });

  it('keeps a refusal as a sentence and the classes open before', async () => {
    await openClassFolders(folders());
    const before = state().classes;
    client.handlers.openNewClasses = async () => {
      throw { code: 'bad-data', message: "New classes need at least two class folders; found only one class folder, 'Trouser/' (5 images)." };
    };
    expect(await openClassFolders(fakeSourceFiles('Trouser/1.png'))).toBe(false);
    expect(state().classesError).toMatchObject({ code: 'bad-data', message: expect.stringContaining("only one class folder, 'Trouser/'") });
    expect(state().classes).toBe(before);
  });

  it('needs class folders before it trains', async () => {
    expect(await trainNewClasses()).toBe(false);
    expect(state().jobError).toMatchObject({ job: 'retarget', code: 'missing-data' });
    expect(client.callsOf('applyRecipe')).toHaveLength(0);
  });

  it('puts the picked cut, epochs and learning rate in the recipe, and leaves the default cut to the core', async () => {
    await loadCutChoices();
    setClassesSettings({ cut: 'flatten', epochs: 4, learningRate: 0.02 });
    expect(retargetRecipeOf(state()).steps).toEqual([{ step: 'retarget', data: 'training', epochs: 4, learningRate: 0.02, seed: 1, batch: 32, hidden: 0, validationSplit: 0.2 }]);
    setClassesSettings({ cut: 'fc1', unfreeze: 2 });
    expect(retargetRecipeOf(state()).steps[0]).toMatchObject({ cut: 'fc1', unfreeze: { layers: 2, epochs: 5, learningRate: 0.0001 } });
  });

  it('trains on the training images with live epochs, and measures on the held-out images, not the Data panel data', async () => {
    await openDataFiles(fakeSourceFiles('t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'));
    await loadCutChoices();
    await openClassFolders(folders());
    setClassesSettings({ epochs: 3 });
    const fallback = client.handlers.applyRecipe;
    client.handlers.applyRecipe = async (modelId, recipe, job?: JobOptions) => {
      for (const n of [1, 2, 3, 1, 2]) await job?.onProgress?.({ phase: 'train', done: n, total: 3, etaMs: null, streamed: { kind: 'training', where: 'recipe.steps[0]', progress: epoch(n) } });
      return fallback(modelId, recipe, job);
    };
    expect(await trainNewClasses()).toBe(true);
    const [call] = client.callsOf('applyRecipe');
    expect(call![1]).toMatchObject({ steps: [{ step: 'retarget', data: 'training', epochs: 3 }] });
    expect(call![2]).toEqual({ training: 'classes-training-for-model-1' });
    // The head's three epochs, then two of the unfrozen layers (counted from 1 again).
    expect(state().classesTraining?.epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(state().classesTraining?.unfrozen.map((e) => e.epoch)).toEqual([1, 2]);
    const entry = state().variants.find((v) => v.newClasses)!;
    expect(entry.name).toBe('New classes: Sneaker, Trouser');
    expect(state().selectedId).toBe(entry.id);
    expect(client.callsOf('measure').at(-1)![2]).toMatchObject({ dataId: 'classes-test-for-model-1', heldOut: 0 });
    expect(entry.measurement?.quality?.kind).toBe('accuracy');
    expect(isMeasuredNow(entry, currentDataKey(state()))).toBe(true);

    // Measuring what is stale on the Data panel's data leaves it alone; Measure all measures it on its own images.
    const measures = client.callsOf('measure').length;
    await measureStale();
    expect(client.callsOf('measure').slice(measures).every((a) => a[1] === null)).toBe(true);
    await measureAll();
    const again = client.callsOf('measure').slice(measures).filter((a) => a[1] !== null);
    expect(again.map((a) => (a[2] as { dataId: string }).dataId)).toEqual(['classes-test-for-model-1']);
  });

  it('leaves no variant behind when the first training is cancelled', async () => {
    await openClassFolders(folders());
    client.handlers.applyRecipe = async () => {
      throw { code: 'cancelled', message: 'Cancelled.' };
    };
    expect(await trainNewClasses()).toBe(false);
    expect(state().variants.some((v) => v.newClasses)).toBe(false);
    expect(state().notice?.text).toMatch(/^Cancelled/);
  });
});
