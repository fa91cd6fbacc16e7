/** The compress slice: what the sliders ask for, a recipe loaded from a file, and the live size estimate. */
import type { Recipe, SizeEstimate, StudioError } from '../../src/worker/api';
import { defaultControls, type CompressControls } from '../../src/studio/controls';

export interface EstimateState {
  status: 'idle' | 'pending' | 'ready' | 'error';
  /** The recipe hash the value belongs to. */
  hash: string | null;
  value: SizeEstimate | null;
  error: StudioError | null;
}

export interface CompressSlice {
  controls: CompressControls;
  /**
   * A recipe loaded from a file that the controls cannot say exactly (patterns, skips): Apply uses it verbatim
   * until a control is touched.
   */
  loadedRecipe: { name: string; recipe: Recipe } | null;
  estimate: EstimateState;
  /** A recipe file that could not be loaded. */
  recipeError: StudioError | null;
}

export function initialCompressSlice(): CompressSlice {
  return {
    controls: defaultControls(),
    loadedRecipe: null,
    estimate: { status: 'idle', hash: null, value: null, error: null },
    recipeError: null,
  };
}
