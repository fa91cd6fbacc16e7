/** The model slice: the model the worker holds for us, an open in progress, its error, and the samples on offer. */
import type { ModelInventory } from '../../src/model/types';
import type { StudioError } from '../../src/worker/api';
import type { SampleEntry } from '../files/samples';
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
  /** Set while the worker reads a model; the previous model stays open meanwhile. */
  opening: { label: string } | null;
  /** The last open's error, shown in the model panel until the next open or a dismissal. */
  modelError: StudioError | null;
  samples: { status: 'idle' | 'loading' | 'ready' | 'error'; entries: SampleEntry[]; error: StudioError | null };
}

export function initialModelSlice(): ModelSlice {
  return { model: null, opening: null, modelError: null, samples: { status: 'idle', entries: [], error: null } };
}
