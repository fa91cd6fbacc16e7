/**
 * The studio worker's API, as the page sees it through Comlink. Everything here is small and structured-clonable:
 * weights stay in the worker, the page gets inventories, results and (on export) transferred bytes.
 * Errors thrown across it are PareErrorInfo-shaped ({code, message, file?, weight?}).
 */
import type { InputFile, ModelInventory } from '../model/types';

export type WasmBinary = 'threaded-simd' | 'simd' | 'plain';

export interface BackendInfo {
  name: 'wasm' | 'cpu' | 'webgl' | 'webgpu';
  available: boolean;
  /** e.g. 'threaded-simd, 2 threads', or why it is unavailable. */
  detail: string;
}

export interface RuntimeInfo {
  backends: BackendInfo[];
  /** The backend the worker uses for measurement by default. */
  active: string;
  wasm: { binary: WasmBinary | null; simd: boolean; threads: number; crossOriginIsolated: boolean };
}

export interface OpenedModelRef {
  /** Handle for later calls; the model itself stays in the worker. */
  id: string;
  inventory: ModelInventory;
}

export interface StudioApi {
  runtime(): Promise<RuntimeInfo>;
  /** Opens dropped files (model.json + shards, a folder's files, or a zip). Files are transferred, not copied. */
  openModel(files: InputFile[]): Promise<OpenedModelRef>;
  closeModel(id: string): Promise<void>;
}
