/**
 * The session across page loads: saved as it changes (model and data files, variants with their results, the
 * controls), restored at start-up, cleared by "New session". Saving failures are shown, never swallowed.
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
export function startPersistence(store: SessionStore, delayMs = SAVE_DELAY_MS): () => void {
  current = store;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const unsubscribe = studio.subscribe((s, prev) => {
    if (s.session === 'restoring') return;
    if (s.model?.source !== prev.model?.source) void save(() => store.save('model', s.model?.source ?? null));
    if (s.dataSource !== prev.dataSource) void save(() => store.save('data', s.dataSource));
    if (variantsChanged(s, prev)) {
      if (timer !== null) clearTimeout(timer);
      timer = setTimeout(() => {
        timer = null;
        void save(() => store.save('variants', savedVariants(studio.getState())));
      }, delayMs);
    }
  });
  return () => {
    unsubscribe();
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
