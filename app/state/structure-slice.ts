/** The structure slice: the channel groups of the open model and what the current channel controls do to them. */
import type { ChannelEstimate, StudioError } from '../../src/worker/api';

export interface StructureState {
  status: 'idle' | 'pending' | 'ready' | 'error';
  /** The channel-removal step (as JSON) the value belongs to; 'none' when the recipe removes no channels. */
  key: string | null;
  value: ChannelEstimate | null;
  error: StudioError | null;
}

export interface StructureSlice {
  structure: StructureState;
}

export function initialStructureSlice(): StructureSlice {
  return { structure: { status: 'idle', key: null, value: null, error: null } };
}
