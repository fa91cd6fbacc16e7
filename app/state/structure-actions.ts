/**
 * The Structure panel's actions: per-group channel ratios (beside the one global ratio the "Make it faster"
 * slider sets), and the live channel estimate: when the model or the recipe's channel removal changes, wait for
 * the controls to settle, then ask the worker for the groups, kept channels and multiply-adds. Answers for a step
 * that is no longer current are dropped.
 */
import { stepsOfKind } from '../../src/recipe/schema';
import { toStudioError } from '../studio-error';
import { studioClient } from './client';
import { currentRecipe } from './selectors';
import { studio, type StudioState } from './store';

export const STRUCTURE_DELAY_MS = 150;

/**
 * Gives the group named by its first layer its own ratio (whole percents, 0 to 90%): 0 keeps it whole even under
 * the global ratio. `null` removes the rule, and the group follows the global ratio again.
 */
export function setChannelGroupRatio(layer: string, fraction: number | null): void {
  if (fraction !== null && !Number.isFinite(fraction)) return;
  studio.setState((s) => {
    const groups = { ...(s.controls.channelGroups ?? {}) };
    if (fraction === null) delete groups[layer];
    else groups[layer] = Math.min(0.9, Math.max(0, Math.round(fraction * 100) / 100));
    const { channelGroups: _, ...rest } = s.controls;
    return { controls: Object.keys(groups).length ? { ...rest, channelGroups: groups } : rest, loadedRecipe: null };
  });
}

/** Every per-group rule dropped: all groups follow the global ratio. */
export function clearChannelGroupRatios(): void {
  studio.setState((s) => {
    const { channelGroups: _, ...rest } = s.controls;
    return { controls: rest, loadedRecipe: null };
  });
}

/** What the estimate depends on: the model and the recipe's first channel-removal step (nothing else). */
function keyOf(s: StudioState): { model: string; step: string } | null {
  if (!s.model) return null;
  const step = stepsOfKind(currentRecipe(s), 'prune-channels')[0];
  return { model: s.model.id, step: step ? JSON.stringify(step) : 'none' };
}

const same = (a: { model: string; step: string } | null, b: { model: string; step: string } | null) => a?.model === b?.model && a?.step === b?.step;

/**
 * Starts following the store. Returns a function that stops it.
 *
 * @example const stop = startStructureEstimates(); // in main.tsx
 */
export function startStructureEstimates(delayMs = STRUCTURE_DELAY_MS): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let last: { model: string; step: string } | null = null;

  const run = async () => {
    timer = null;
    const s = studio.getState();
    const key = keyOf(s);
    if (!s.model || !key) return;
    try {
      const value = await studioClient().channelEstimate(s.model.id, currentRecipe(s));
      if (same(keyOf(studio.getState()), key)) studio.setState({ structure: { status: 'ready', key: key.step, value, error: null } });
    } catch (thrown) {
      const error = toStudioError(thrown);
      if (!same(keyOf(studio.getState()), key)) return;
      // A restarted worker reopens the model under a new id, which asks again.
      if (error.code === 'cancelled' || error.code === 'worker-crashed') return;
      studio.setState((st) => ({ structure: { ...st.structure, status: 'error', key: key.step, error } }));
    }
  };

  const onChange = (s: StudioState) => {
    const key = keyOf(s);
    if (same(key, last)) return;
    const modelChanged = key?.model !== last?.model;
    last = key;
    if (timer !== null) clearTimeout(timer);
    if (key === null) {
      if (s.structure.status !== 'idle') studio.setState({ structure: { status: 'idle', key: null, value: null, error: null } });
      return;
    }
    // The previous groups stay on screen (dimmed) until the answer arrives; another model's never do.
    studio.setState((st) => ({ structure: { ...(modelChanged ? { value: null } : { value: st.structure.value }), status: 'pending', key: st.structure.key, error: null } }));
    timer = setTimeout(() => void run(), delayMs);
  };

  const unsubscribe = studio.subscribe(onChange);
  onChange(studio.getState());
  return () => {
    unsubscribe();
    if (timer !== null) clearTimeout(timer);
  };
}
