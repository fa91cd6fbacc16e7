/**
 * The studio's one store, built from typed slices. It is a vanilla zustand store: actions (plain functions in
 * ./actions) read and write it without React; components subscribe through useStudio. Data, variants and jobs
 * slices join here in later issues.
 */
import { createStore } from 'zustand/vanilla';
import { initialModelSlice, type ModelSlice } from './model-slice';
import { initialRuntimeSlice, type RuntimeSlice } from './runtime-slice';
import { initialUiSlice, type UiSlice } from './ui-slice';

export type StudioState = ModelSlice & RuntimeSlice & UiSlice;

export function initialState(): StudioState {
  return { ...initialModelSlice(), ...initialRuntimeSlice(), ...initialUiSlice() };
}

export const studio = createStore<StudioState>()(() => initialState());

/** Back to a fresh session (tests, and later "New session"). */
export function resetStudio(): void {
  studio.setState(initialState(), true);
}
