/** React's view of the store. Select small pieces; selectors that build new objects need useShallow. */
import { useStore } from 'zustand';
import { studio, type StudioState } from './store';

export function useStudio<T>(selector: (state: StudioState) => T): T {
  return useStore(studio, selector);
}
