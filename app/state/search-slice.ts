/** The search slice: the target the user asks for, and what the last search found (for its summary line). */
import type { FoundRecipe, SearchTarget } from '../../src/worker/api';

export interface SearchSlice {
  searchTarget: SearchTarget;
  /** The last search's answer, with the target it was for; null before any. */
  found: { target: SearchTarget; result: FoundRecipe } | null;
}

export function initialSearchSlice(): SearchSlice {
  return { searchTarget: { kind: 'max-drop', points: 0.5 }, found: null };
}
