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
  /** The Export panel's "Fused graph model" option (see src/studio/fused-export.ts). */
  exportFused: boolean;
}

export function initialExportSlice(): ExportSlice {
  return { lastExport: null, exportFused: false };
}
