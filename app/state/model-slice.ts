/** The model slice: the model the worker holds for us, and the worker's handles of its variants. */
import type { ModelInventory } from '../../src/model/types';
import type { ModelSource } from '../files/source-file';

export interface OpenModel {
  /** The worker's handle. */
  id: string;
  inventory: ModelInventory;
  /** Where it came from, kept so it can be reopened if the worker restarts. */
  source: ModelSource;
}

export interface ModelSlice {
  model: OpenModel | null;
  /**
   * The worker's variant handle of each entry (by entry id), valid for `model.id` only: a reopened model (after a
   * worker restart) or a restored session starts without any, and an entry gets its handle again on first use.
   */
  variantHandles: Record<string, string>;
}

export function initialModelSlice(): ModelSlice {
  return { model: null, variantHandles: {} };
}
