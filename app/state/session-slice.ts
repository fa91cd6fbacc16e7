/** The session slice: persistence of the session in IndexedDB, and its failures. */
import type { StudioError } from '../../src/worker/api';
import type { ExportFile, ExportSizes } from '../../src/worker/api';

export interface LastExport {
  variantId: string;
  zipName: string;
  files: ExportFile[];
  zip: Uint8Array;
  sizes: ExportSizes;
}

export interface SessionSlice {
  /** 'restoring' while a saved session is being reopened at start-up. */
  session: 'fresh' | 'restoring' | 'restored';
  /** Set when the session could not be saved (quota, private mode): shown, never swallowed. */
  storageError: StudioError | null;
  lastExport: LastExport | null;
}

export function initialSessionSlice(): SessionSlice {
  return { session: 'fresh', storageError: null, lastExport: null };
}
