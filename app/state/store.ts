/**
 * The studio's one store, built from typed slices. It is a vanilla zustand store: actions (plain functions in
 * ./actions) read and write it without React; components subscribe through useStudio.
 */
import { createStore } from 'zustand/vanilla';
import { initialCompressSlice, type CompressSlice } from './compress-slice';
import { initialDataSlice, type DataSlice } from './data-slice';
import { initialJobsSlice, type JobsSlice } from './jobs-slice';
import { initialModelSlice, type ModelSlice } from './model-slice';
import { initialRuntimeSlice, type RuntimeSlice } from './runtime-slice';
import { initialSessionSlice, type SessionSlice } from './session-slice';
import { initialUiSlice, type UiSlice } from './ui-slice';
import { initialVariantsSlice, type VariantsSlice } from './variants-slice';

export type StudioState = ModelSlice &
  RuntimeSlice &
  UiSlice &
  DataSlice &
  CompressSlice &
  VariantsSlice &
  JobsSlice &
  SessionSlice;

export function initialState(): StudioState {
  return {
    ...initialModelSlice(),
    ...initialRuntimeSlice(),
    ...initialUiSlice(),
    ...initialDataSlice(),
    ...initialCompressSlice(),
    ...initialVariantsSlice(),
    ...initialJobsSlice(),
    ...initialSessionSlice(),
  };
}

export const studio = createStore<StudioState>()(() => initialState());

/** Back to a fresh session (tests, and "New session"). */
export function resetStudio(): void {
  studio.setState(initialState(), true);
}

/** What belongs to one model: opening another model starts these afresh (the data is reopened for it). */
export function freshModelState(): Pick<
  StudioState,
  'variants' | 'selectedId' | 'variantCounter' | 'histogramTensor' | 'controls' | 'loadedRecipe' | 'estimate' | 'lastExport' | 'jobError'
> {
  const v = initialVariantsSlice();
  const c = initialCompressSlice();
  return {
    variants: v.variants,
    selectedId: v.selectedId,
    variantCounter: v.variantCounter,
    histogramTensor: null,
    controls: c.controls,
    loadedRecipe: null,
    estimate: c.estimate,
    lastExport: null,
    jobError: null,
  };
}
