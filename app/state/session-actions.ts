/**
 * The session across page loads: saved as it changes (model and data files, variants with their results, the
 * controls), restored at start-up, cleared by "New session". Saving failures are shown, never swallowed.
 * Slider drags are saved once they settle; a new measurement (seconds of work) is saved at once, and whatever
 * is still waiting is saved when the page is hidden, since a reload or a closed tab may follow.
 */
import type { StudioError } from '../../src/worker/api';
import { toStudioError } from '../studio-error';
import { studioClient } from './client';
import { openModelSource } from './model-actions';
import type { SavedVariants, SessionStore } from './persistence';
import { cancelJob } from './jobs';
import { appStateOf, initialModelState, initialSessionState, studio, type StudioState } from './store';

let current: SessionStore | null = null;

/** Delay before saving variants and controls: a slider drag saves once, at the end. */
export const SAVE_DELAY_MS = 400;

function savedVariants(s: StudioState): SavedVariants {
  return {
    variants: s.variants,
    selectedId: s.selectedId,
    variantCounter: s.variantCounter,
    controls: s.controls,
    loadedRecipe: s.loadedRecipe,
    measureSettings: s.measureSettings,
  };
}

/** Whether an entry got a new measurement between `prev` and `s`. */
function newlyMeasured(s: StudioState, prev: StudioState): boolean {
  if (s.variants === prev.variants) return false;
  const before = new Map(prev.variants.map((v) => [v.id, v.measurement]));
  return s.variants.some((v) => v.measurement !== null && before.get(v.id) !== v.measurement);
}

/** Tells when the page is hidden or being left (tab switched, closed or reloaded). */
export interface PageLifecycle {
  onHidden(listener: () => void): () => void;
}

/** The browser's: visibilitychange to hidden, and pagehide (which some browsers send without the former). */
export function documentLifecycle(): PageLifecycle | null {
  if (typeof document === 'undefined' || typeof window === 'undefined') return null;
  return {
    onHidden(listener) {
      const onVisibility = () => {
        if (document.visibilityState === 'hidden') listener();
      };
      document.addEventListener('visibilitychange', onVisibility);
      window.addEventListener('pagehide', listener);
      return () => {
        document.removeEventListener('visibilitychange', onVisibility);
        window.removeEventListener('pagehide', listener);
      };
    },
  };
}

function variantsChanged(a: StudioState, b: StudioState): boolean {
  return (
    a.variants !== b.variants ||
    a.selectedId !== b.selectedId ||
    a.variantCounter !== b.variantCounter ||
    a.controls !== b.controls ||
    a.loadedRecipe !== b.loadedRecipe ||
    a.measureSettings !== b.measureSettings
  );
}

async function save(run: () => Promise<void>): Promise<void> {
  try {
    await run();
    if (studio.getState().storageError) studio.setState({ storageError: null });
  } catch (thrown) {
    studio.setState({ storageError: toStudioError(thrown) });
  }
}

/**
 * Saves the session into `store` whenever it changes. Returns a function that stops it.
 *
 * @example startPersistence(indexedDbSessionStore());
 */
export function startPersistence(
  store: SessionStore,
  delayMs = SAVE_DELAY_MS,
  lifecycle: PageLifecycle | null = documentLifecycle(),
): () => void {
  current = store;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const saveVariantsNow = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    void save(() => store.save('variants', savedVariants(studio.getState())));
  };
  const unsubscribe = studio.subscribe((s, prev) => {
    if (s.session === 'restoring') return;
    if (s.model?.source !== prev.model?.source) void save(() => store.save('model', s.model?.source ?? null));
    if (s.dataSource !== prev.dataSource) void save(() => store.save('data', s.dataSource));
    if (!variantsChanged(s, prev)) return;
    if (newlyMeasured(s, prev)) {
      saveVariantsNow();
      return;
    }
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(saveVariantsNow, delayMs);
  });
  // Hidden: save what is waiting now; the page may be gone before the timer fires.
  const stopWatching = lifecycle?.onHidden(() => {
    if (timer !== null) saveVariantsNow();
  });
  return () => {
    unsubscribe();
    stopWatching?.();
    if (timer !== null) clearTimeout(timer);
  };
}

/**
 * Brings back a saved session: variants and controls first, then the model (and with it the data) is opened
 * again from its saved files. Resolves true when a model came back.
 */
export async function restoreSession(store: SessionStore): Promise<boolean> {
  studio.setState({ session: 'restoring' });
  let saved;
  try {
    saved = await store.load();
  } catch (thrown) {
    studio.setState({ session: 'fresh', storageError: toStudioError(thrown) });
    return false;
  }
  if (!saved.model) {
    studio.setState({ session: 'fresh' });
    return false;
  }
  studio.setState({ ...(saved.variants ?? {}), dataSource: saved.data });
  const opened = await openModelSource(saved.model, { keepSession: true });
  studio.setState({ session: opened ? 'restored' : 'fresh' });
  return opened;
}

/**
 * "New session": stops any job, forgets the model, data and variants here, in the worker and in storage. The
 * session and model groups start afresh; the app group (runtime, samples, view settings) stays.
 */
export async function newSession(): Promise<void> {
  const s = studio.getState();
  cancelJob();
  const model = s.model;
  studio.setState({ ...appStateOf(s), ...initialSessionState(), ...initialModelState(), modelError: null, storageError: null }, true);
  if (model) void studioClient().closeModel(model.id).catch(() => {});
  if (current) {
    const store = current;
    await save(() => store.clear());
  }
}

export function dismissStorageError(): void {
  studio.setState({ storageError: null as StudioError | null });
}
