/**
 * The studio's one store. Its state is grouped by lifetime, each group built from typed slices:
 * - app: lives as long as the page (the runtime, view settings, opening a model, the running job, storage status);
 * - session: outlives the open model and is saved across reloads, until "New session" (the data files, how to measure);
 * - model: belongs to the open model (the model, its data as opened, controls, variants, exports, feedback), and
 *   opening another model replaces the whole group at once (`initialModelState`).
 * The groups share one flat namespace (panels select `s.variants`, not `s.model.variants`), so a field's group
 * is known by its slice; store.test.ts checks that no field is in two groups.
 *
 * It is a vanilla zustand store: actions (plain functions in ./actions) read and write it without React;
 * components subscribe through useStudio.
 */
import { createStore } from 'zustand/vanilla';
import { initialClassesSlice, type ClassesSlice } from './classes-slice';
import { initialCompressSlice, type CompressSlice } from './compress-slice';
import { initialDataSlice, type DataSlice } from './data-slice';
import { initialExportSlice, type ExportSlice } from './export-slice';
import { initialFeedbackSlice, type FeedbackSlice } from './feedback-slice';
import { initialJobsSlice, type JobsSlice } from './jobs-slice';
import { initialModelSlice, type ModelSlice } from './model-slice';
import { initialOpeningSlice, type OpeningSlice } from './opening-slice';
import { initialRecoverSlice, type RecoverSlice } from './recover-slice';
import { initialRuntimeSlice, type RuntimeSlice } from './runtime-slice';
import { initialSearchSlice, type SearchSlice } from './search-slice';
import { initialSensitivitySlice, type SensitivitySlice } from './sensitivity-slice';
import { initialSessionSlice, type SessionSlice } from './session-slice';
import { initialStorageSlice, type StorageSlice } from './storage-slice';
import { initialStructureSlice, type StructureSlice } from './structure-slice';
import { initialUiSlice, type UiSlice } from './ui-slice';
import { initialVariantsSlice, type VariantsSlice } from './variants-slice';

export type AppState = RuntimeSlice & UiSlice & OpeningSlice & JobsSlice & StorageSlice;
export type SessionState = SessionSlice;
export type ModelState = ModelSlice & DataSlice & CompressSlice & SearchSlice & SensitivitySlice & VariantsSlice & ExportSlice & FeedbackSlice & ClassesSlice & RecoverSlice & StructureSlice;
export type StudioState = AppState & SessionState & ModelState;

export function initialAppState(): AppState {
  return { ...initialRuntimeSlice(), ...initialUiSlice(), ...initialOpeningSlice(), ...initialJobsSlice(), ...initialStorageSlice() };
}

export function initialSessionState(): SessionState {
  return initialSessionSlice();
}

/** Everything that belongs to one model, as it is before any model is open. */
export function initialModelState(): ModelState {
  return {
    ...initialModelSlice(),
    ...initialDataSlice(),
    ...initialCompressSlice(),
    ...initialSearchSlice(),
    ...initialSensitivitySlice(),
    ...initialVariantsSlice(),
    ...initialExportSlice(),
    ...initialFeedbackSlice(),
    ...initialClassesSlice(),
    ...initialRecoverSlice(),
    ...initialStructureSlice(),
  };
}

export function initialState(): StudioState {
  return { ...initialAppState(), ...initialSessionState(), ...initialModelState() };
}

export const studio = createStore<StudioState>()(() => initialState());

/** Back to a fresh page (tests). */
export function resetStudio(): void {
  studio.setState(initialState(), true);
}

/** The app group of `s`, e.g. to keep it while the rest starts afresh ("New session"). */
export function appStateOf(s: StudioState): AppState {
  const app = {} as Record<string, unknown>;
  for (const key of Object.keys(initialAppState())) app[key] = s[key as keyof StudioState];
  return app as unknown as AppState;
}
