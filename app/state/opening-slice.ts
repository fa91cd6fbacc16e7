/** The opening slice: the samples on offer, a model being opened, and the last open's error. */
import type { StudioError } from '../../src/worker/api';
import type { SampleEntry } from '../files/samples';

export interface OpeningSlice {
  /** Set while the worker reads a model; the previous model stays open meanwhile. */
  opening: { label: string } | null;
  /** The last open's error, shown in the model panel until the next open or a dismissal. */
  modelError: StudioError | null;
  samples: { status: 'idle' | 'loading' | 'ready' | 'error'; entries: SampleEntry[]; error: StudioError | null };
}

export function initialOpeningSlice(): OpeningSlice {
  return { opening: null, modelError: null, samples: { status: 'idle', entries: [], error: null } };
}
