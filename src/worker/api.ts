/**
 * The studio worker's API, as the page sees it through Comlink. Everything here is small and structured-clonable:
 * weights stay in the worker, the page gets inventories, results and (on export) transferred bytes.
 * Errors thrown across it arrive as Errors carrying PareErrorInfo's fields ({code, message, file?, weight?});
 * the page's worker client turns them into a `StudioError`.
 *
 * Types only: the page imports this file, and it must not pull the core's code into the main bundle.
 */
import type { PareErrorCode } from '../errors';
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
  /** Version of TF.js in use. */
  tfjsVersion: string;
  /** Logical cores the platform reports (navigator.hardwareConcurrency or os.cpus()), null when unknown. */
  cores: number | null;
}

export interface OpenedModelRef {
  /** Handle for later calls; the model itself stays in the worker. */
  id: string;
  inventory: ModelInventory;
}

/**
 * An error as the page sees it: a PareError's fields, or one of the codes only the page can produce:
 * 'unreadable' (the browser could not read a chosen file or fetch a sample), 'worker-crashed' (the worker died
 * or failed to start) and 'internal' (an unexpected exception: a bug).
 */
export type StudioErrorCode = PareErrorCode | 'unreadable' | 'worker-crashed' | 'internal';

export interface StudioError {
  code: StudioErrorCode;
  message: string;
  file?: string;
  weight?: string;
}

export interface StudioApi {
  runtime(): Promise<RuntimeInfo>;
  /** Opens dropped files (model.json + shards, a folder's files, or a zip). Files are transferred, not copied. */
  openModel(files: InputFile[]): Promise<OpenedModelRef>;
  /** Forgets a model the worker holds; unknown ids are ignored. */
  closeModel(id: string): Promise<void>;
}
