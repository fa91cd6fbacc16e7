/** The storage slice: restoring the saved session at start-up, and failures to save it. */
import type { StudioError } from '../../src/worker/api';

export interface StorageSlice {
  /** 'restoring' while a saved session is being reopened at start-up. */
  session: 'fresh' | 'restoring' | 'restored';
  /** Set when the session could not be saved (quota, private mode): shown, never swallowed. */
  storageError: StudioError | null;
}

export function initialStorageSlice(): StorageSlice {
  return { session: 'fresh', storageError: null };
}
