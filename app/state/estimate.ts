/**
 * The live size estimate: whenever the recipe in the controls (or the model) changes, wait ~150 ms for the
 * slider to settle, then ask the worker. Answers for a recipe that is no longer current are dropped.
 */
import { toStudioError } from '../studio-error';
import { studioClient } from './client';
import { currentRecipe, hashOf } from './selectors';
import { studio, type StudioState } from './store';

export const ESTIMATE_DELAY_MS = 150;

function keyOf(s: StudioState): string | null {
  return s.model ? `${s.model.id} ${hashOf(currentRecipe(s))}` : null;
}

/**
 * Starts following the store. Returns a function that stops it.
 *
 * @example const stop = startEstimates(); // in main.tsx
 */
export function startEstimates(delayMs = ESTIMATE_DELAY_MS): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let lastKey: string | null = null;

  const run = async () => {
    timer = null;
    const s = studio.getState();
    if (!s.model) return;
    const recipe = currentRecipe(s);
    const hash = hashOf(recipe);
    const key = keyOf(s);
    try {
      const value = await studioClient().estimateSize(s.model.id, recipe);
      if (keyOf(studio.getState()) === key) studio.setState({ estimate: { status: 'ready', hash, value, error: null } });
    } catch (thrown) {
      const error = toStudioError(thrown);
      if (keyOf(studio.getState()) !== key) return;
      // A cancelled worker is restarted and the model reopened, which changes the key and asks again; until then
      // the worker does not know the model's old id ('bad-options').
      if (error.code === 'cancelled' || error.code === 'worker-crashed' || error.code === 'bad-options') return;
      studio.setState((st) => ({ estimate: { ...st.estimate, status: 'error', error } }));
    }
  };

  const onChange = (s: StudioState) => {
    const key = keyOf(s);
    if (key === lastKey) return;
    lastKey = key;
    if (timer !== null) clearTimeout(timer);
    if (key === null) {
      if (s.estimate.status !== 'idle') studio.setState({ estimate: { status: 'idle', hash: null, value: null, error: null } });
      return;
    }
    // The previous value stays on screen (dimmed) until the new one arrives.
    studio.setState((st) => ({ estimate: { ...st.estimate, status: 'pending', error: null } }));
    timer = setTimeout(() => void run(), delayMs);
  };

  const unsubscribe = studio.subscribe(onChange);
  onChange(studio.getState());
  return () => {
    unsubscribe();
    if (timer !== null) clearTimeout(timer);
  };
}
