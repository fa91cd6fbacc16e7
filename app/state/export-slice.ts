/** The export slice: the last export of a variant of the open model, kept for downloading its files again. */
import type { ExportFile, ExportSizes } from '../../src/worker/api';

export interface LastExport {
  variantId: string;
  zipName: string;
  files: ExportFile[];
  zip: Uint8Array;
  sizes: ExportSizes;
}

export interface ExportSlice {
  lastExport: LastExport | null;
}

export function initialExportSlice(): ExportSlice {
  return { lastExport: null };
}
