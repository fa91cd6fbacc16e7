/**
 * The session slice: what the user chose that outlives the open model (opening another model keeps it) and is
 * saved across reloads, until "New session".
 */
import type { MeasureBackend } from '../../src/worker/api';
import type { DataSource } from './data-slice';

export interface MeasureSettings {
  backend: MeasureBackend;
  /** Timed latency runs per measurement. */
  latencyRuns: number;
}

export interface SessionSlice {
  /** Files the user gave that are kept (and persisted) even when opening them failed for the current model. */
  dataSource: DataSource | null;
  measureSettings: MeasureSettings;
}

export function initialSessionSlice(): SessionSlice {
  return { dataSource: null, measureSettings: { backend: 'wasm', latencyRuns: 20 } };
}
