/**
 * The variants slice: the original and every variant the user applied, each a recipe plus what was measured for
 * it. Keyed by the recipe's hash ('original' for the model as opened), so applying the same recipe twice finds
 * the same entry.
 */
import type { PareWarning } from '../../src/errors';
import type { Measurement, Recipe } from '../../src/worker/api';

export const ORIGINAL = 'original';

export interface VariantEntry {
  /** The recipe hash, or ORIGINAL. */
  id: string;
  name: string;
  /** Null for the original. */
  recipe: Recipe | null;
  /** describeRecipe's one-liner, e.g. '50% global · uint8'. */
  summary: string;
  /** Achieved sparsity and weight bytes once built, and each prunable tensor's sparsity and stored form. */
  built: {
    sparsity: number;
    weightBytes: number;
    tensors?: Record<string, { sparsity: number; stored: string }>;
    /** What building it warned about (a tensor pruning emptied, ...); optional in sessions saved before. */
    warnings?: PareWarning[];
  } | null;
  measurement: Measurement | null;
  /** The data key (see dataKeyOf) the measurement used, or null when measured without data. */
  measuredOn: string | null;
  createdAt: number;
  /**
   * A variant taught new classes (a retarget recipe): the worker's data it trained on and is measured on (the
   * held-out images of its class folders), and their key. It is measured on those, never on the Data panel's data,
   * whose classes it does not output.
   */
  newClasses?: { labels: string[]; trainingId: string; testId: string; dataKey: string };
  /** A trained variant: the open data's samples it trained on (0 to `train`) and validated on (to `validation`). */
  trainedOn?: { train: number; validation: number };
  /** Trained and stopped mid-epoch: no recipe rebuilds it, so it lives only in the worker that made it. */
  pinned?: boolean;
}

export interface VariantsSlice {
  /** The original first, then variants in the order they were made. */
  variants: VariantEntry[];
  selectedId: string;
  /** Counter for default names ('Variant 3'); never reused within a session. */
  variantCounter: number;
  /** The weight whose histogram is shown. */
  histogramTensor: string | null;
}

export function originalEntry(): VariantEntry {
  return {
    id: ORIGINAL,
    name: 'Original',
    recipe: null,
    summary: 'as opened',
    built: null,
    measurement: null,
    measuredOn: null,
    createdAt: 0,
  };
}

export function initialVariantsSlice(): VariantsSlice {
  return {
    variants: [originalEntry()],
    selectedId: ORIGINAL,
    variantCounter: 0,
    histogramTensor: null,
  };
}
