/** The runtime slice: what the worker reports about the backends it can run. */
import type { RuntimeInfo, StudioError } from '../../src/worker/api';

export interface RuntimeSlice {
  runtime: RuntimeInfo | null;
  runtimeError: StudioError | null;
}

export function initialRuntimeSlice(): RuntimeSlice {
  return { runtime: null, runtimeError: null };
}
