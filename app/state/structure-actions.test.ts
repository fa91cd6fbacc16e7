/**
 * The Structure panel's actions over the fake worker client: per-group ratios beside the one global ratio (the
 * Make it faster slider's), the live channel estimate following the controls (settled, stale answers dropped),
 * and the fused export that adds the fused sibling of a variant instead of changing it.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { stepsOfKind } from '../../src/recipe/schema';
import { setSaver } from '../files/download';
import { applyCurrent, clearChannelGroupRatios, selectVariant, setChannelGroupRatio, setChannelRatio, setFuse, startStructureEstimates } from './actions';
import type { FakeClient } from './fake-client';
import { freshStudioWithModel } from './fake-studio';
import { exportChosen, setExportFused } from './fused-export-actions';
import { currentRecipe, selectedEntry } from './selectors';
import { studio } from './store';
import { ORIGINAL } from './variants-slice';

let client: FakeClient;
const state = () => studio.getState();
const channelStep = () => stepsOfKind(currentRecipe(state()), 'prune-channels')[0];

beforeEach(async () => {
  client = await freshStudioWithModel();
});

describe('per-group channel ratios', () => {
  it('sit beside the global ratio in one prune-channels step; null returns a group to the global ratio', () => {
    setChannelRatio(0.3);
    setChannelGroupRatio('conv1', 0.5);
    setChannelGroupRatio('fc', 0);
    expect(channelStep()).toMatchObject({ ratio: 0.3, perGroup: [{ match: 'conv1', ratio: 0.5 }, { match: 'fc', ratio: 0 }] });
    setChannelGroupRatio('conv1', null);
    expect(channelStep()?.perGroup).toEqual([{ match: 'fc', ratio: 0 }]);
    clearChannelGroupRatios();
    expect(state().controls.channelGroups).toBeUndefined();
    expect(channelStep()).toMatchObject({ ratio: 0.3, perGroup: [] });
  });

  it('round to whole percents within 0 to 90%, and ignore what is not a number', () => {
    setChannelGroupRatio('conv1', 0.954);
    expect(state().controls.channelGroups).toEqual({ conv1: 0.9 });
    setChannelGroupRatio('conv1', 0.123);
    expect(state().controls.channelGroups).toEqual({ conv1: 0.12 });
    setChannelGroupRatio('conv1', Number.NaN);
    expect(state().controls.channelGroups).toEqual({ conv1: 0.12 });
  });
});

describe('the live channel estimate', () => {
  let stop: () => void;
  beforeEach(() => {
    vi.useFakeTimers();
    stop = startStructureEstimates(50);
  });
  afterEach(() => {
    stop();
    vi.useRealTimers();
  });

  it('asks once the controls settle, for the channel step only, and shows the answer', async () => {
    expect(state().structure.status).toBe('pending');
    await vi.advanceTimersByTimeAsync(60);
    expect(state().structure).toMatchObject({ status: 'ready', key: 'none', value: { macsBefore: 1100, macsAfter: 1100 } });
    setChannelRatio(0.2);
    setChannelRatio(0.5);
    await vi.advanceTimersByTimeAsync(60);
    expect(client.callsOf('channelEstimate')).toHaveLength(2);
    expect(state().structure.value).toMatchObject({ macsAfter: 600, kept: [{ id: 0, kept: 4 }, { id: 1, kept: 10 }] });
    // Controls that do not touch channels (sparsity, fusion) ask nothing new.
    setFuse(true);
    await vi.advanceTimersByTimeAsync(60);
    expect(client.callsOf('channelEstimate')).toHaveLength(2);
  });

  it('drops an answer for a step that is no longer current, and shows an error where the step went wrong', async () => {
    await vi.advanceTimersByTimeAsync(60);
    let release!: () => void;
    const fallback = client.handlers.channelEstimate;
    client.handlers.channelEstimate = async (id, recipe) => {
      await new Promise<void>((r) => (release = r));
      return fallback(id, recipe);
    };
    setChannelGroupRatio('conv1', 0.5);
    await vi.advanceTimersByTimeAsync(60);
    setChannelGroupRatio('conv1', 0.25);
    release();
    await vi.advanceTimersByTimeAsync(0);
    expect(state().structure.status).toBe('pending');
    client.handlers.channelEstimate = async () => {
      throw { code: 'bad-recipe', message: "recipe.steps[0].perGroup[0] ('conv1') names no layer that produces channels" };
    };
    await vi.advanceTimersByTimeAsync(60);
    release();
    await vi.advanceTimersByTimeAsync(0);
    expect(state().structure).toMatchObject({ status: 'error', error: { code: 'bad-recipe' } });
  });
});

describe('fused export', () => {
  const saved: string[] = [];
  let previous: ReturnType<typeof setSaver>;
  beforeEach(() => {
    saved.length = 0;
    previous = setSaver((name) => saved.push(name));
  });
  afterEach(() => setSaver(previous));

  it('adds the fused sibling of the selected variant as a new variant and exports that; the variant itself stays', async () => {
    setChannelRatio(0.5);
    expect(await applyCurrent()).toBe(true);
    const variant = selectedEntry(state());
    setExportFused(true);
    expect(await exportChosen()).toBe(true);
    const sibling = selectedEntry(state());
    expect(sibling.name).toBe('Variant 1 + fused');
    expect(sibling.recipe!.steps.map((s) => s.step)).toEqual(['prune-channels', 'fuse']);
    expect(state().variants.map((v) => v.id)).toEqual([ORIGINAL, variant.id, sibling.id]);
    expect(client.callsOf('exportVariant')).toHaveLength(1);
    expect(saved).toEqual(['m-variant-1-fused.zip']);
    // Asking again exports the same sibling: no third variant.
    selectVariant(variant.id);
    expect(await exportChosen()).toBe(true);
    expect(state().variants).toHaveLength(3);
  });

  it('a variant that already fuses exports as it is; the original exports only as its fused sibling', async () => {
    expect(await exportChosen()).toBe(false); // the original, without the option: nothing to export
    setExportFused(true);
    expect(await exportChosen()).toBe(true);
    expect(selectedEntry(state()).name).toBe('Original + fused');
    expect(selectedEntry(state()).recipe!.steps).toEqual([{ step: 'fuse' }]);
    setFuse(true);
    setChannelRatio(0.5);
    expect(await applyCurrent()).toBe(true);
    const fusedVariant = selectedEntry(state());
    expect(await exportChosen()).toBe(true);
    expect(selectedEntry(state()).id).toBe(fusedVariant.id);
    expect(state().variants).toHaveLength(3);
  });
});
