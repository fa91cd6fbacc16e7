/** The store's lifetime groups: app, session and model partition the state, and opening a model replaces one group. */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { closeModel, openFiles, setGlobalSparsity, setLatencyRuns, setStudioClient, sortWeightsBy } from './actions';
import { FakeClient, inventory, fakeSourceFiles } from './fake-client';
import { initialAppState, initialModelState, initialSessionState, initialState, resetStudio, studio } from './store';

let client: FakeClient;

beforeEach(() => {
  resetStudio();
  client = new FakeClient();
  setStudioClient(client);
});


async function openModel(id: string): Promise<void> {
  const n = client.opens.length;
  const done = openFiles(fakeSourceFiles(`${id}/model.json`));
  await vi.waitFor(() => expect(client.opens.length).toBe(n + 1));
  client.opens[n].resolve({ id, inventory: inventory(10) });
  expect(await done).toBe(true);
}

describe('the lifetime groups', () => {
  it('partition the state: every field is in exactly one group', () => {
    const groups = [initialAppState(), initialSessionState(), initialModelState()].map((g) => Object.keys(g));
    const all = groups.flat();
    expect(new Set(all).size).toBe(all.length);
    expect(all.sort()).toEqual(Object.keys(initialState()).sort());
  });

  it('opening another model replaces the model group whole and keeps the app and session groups', async () => {
    await openModel('model-1');
    setGlobalSparsity(0.5);
    studio.setState({ notice: { job: 'apply', text: 'old' }, variantHandles: { x: 'variant-1' }, histogramTensor: 'fc1/kernel' });
    sortWeightsBy('params');
    setLatencyRuns(7);
    const weightSort = studio.getState().weightSort;
    await openModel('model-2');
    const s = studio.getState();
    const fresh = initialModelState();
    for (const key of Object.keys(fresh) as (keyof typeof fresh)[]) {
      if (key === 'model') continue;
      // Everything but the model itself is as it was before any model was open.
      expect(s[key], key).toEqual(fresh[key]);
    }
    expect(s.model?.id).toBe('model-2');
    expect(s.weightSort).toEqual(weightSort);
    expect(weightSort.key).toBe('params');
    expect(s.measureSettings.latencyRuns).toBe(7);
  });

  it('closing the model leaves the model group as before any model', async () => {
    await openModel('model-1');
    setGlobalSparsity(0.3);
    await closeModel();
    expect(studio.getState()).toMatchObject(initialModelState());
  });
});
