/**
 * The page's handle on the studio worker. Wraps it with Comlink, transfers file buffers instead of copying them,
 * rejects failed calls with a StudioError ({code, message, file?, weight?}), and implements cancel as
 * "terminate the worker and start a new one": a cancelled call rejects with code 'cancelled' at once, and the
 * next call starts a fresh worker. Whatever the old worker held (open models) is gone then; listeners registered
 * with onRestart hear about it so they can reopen what the user had.
 */
import { proxy, transfer, wrap, type Remote } from 'comlink';
import type { InputFile } from '../src/model/types';
import type { ProgressCallback, StudioApi, StudioError } from '../src/worker/api';
import { cancelledError, toStudioError } from './studio-error';

/**
 * The worker's API as the page calls it (same methods; openModel and openData transfer the files' buffers, so the
 * caller's Uint8Arrays are detached afterwards), plus control of the worker itself.
 */
export interface StudioClient extends StudioApi {
  /** Stops all work: pending calls reject with code 'cancelled', the worker is terminated and replaced. */
  cancel(): void;
  /** Called after the worker was replaced (cancel or crash): models it held are gone. Returns an unsubscribe. */
  onRestart(listener: (reason: 'cancelled' | 'crashed') => void): () => void;
  /** Terminates the worker for good. */
  dispose(): void;
}

/** What the client needs from a Worker; tests pass a MessagePort-backed fake. */
export interface WorkerLike {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: 'message' | 'error' | 'messageerror', listener: (event: Event) => void): void;
  removeEventListener(type: 'message' | 'error' | 'messageerror', listener: (event: Event) => void): void;
  terminate(): void;
}

/** Starts the studio worker. The URL is written inline so Vite bundles the worker and its dependencies. */
export function spawnStudioWorker(): WorkerLike {
  return new Worker(new URL('../src/worker/studio.worker.ts', import.meta.url), { type: 'module', name: 'pare-studio' });
}

interface Running {
  worker: WorkerLike;
  api: Remote<StudioApi>;
  pending: Set<(error: StudioError) => void>;
}

/**
 * Creates the client. The worker starts on the first call.
 *
 * @example
 *   const client = createWorkerClient();
 *   const { id, inventory } = await client.openModel([{ name: 'model.json', data }]);
 */
export function createWorkerClient(spawn: () => WorkerLike = spawnStudioWorker): StudioClient {
  let running: Running | null = null;
  let disposed = false;
  const listeners = new Set<(reason: 'cancelled' | 'crashed') => void>();

  function start(): Running {
    if (disposed) throw { code: 'internal', message: 'The studio worker client was disposed.' } satisfies StudioError;
    const worker = spawn();
    const current: Running = { worker, api: wrap<StudioApi>(worker as unknown as Worker), pending: new Set() };
    // A worker that fails to load or throws outside any call leaves Comlink waiting forever: treat it as dead.
    worker.addEventListener('error', (event) => {
      const detail = (event as ErrorEvent).message || 'the worker script failed to load or threw outside a call';
      stop(current, { code: 'worker-crashed', message: `The studio worker stopped: ${detail}. It has been restarted.` });
      for (const listener of listeners) listener('crashed');
    });
    running = current;
    return current;
  }

  function stop(target: Running, reason: StudioError): void {
    if (running === target) running = null;
    target.worker.terminate();
    for (const reject of target.pending) reject(reason);
    target.pending.clear();
  }

  function call<T>(run: (api: Remote<StudioApi>) => Promise<T>): Promise<T> {
    let current: Running;
    try {
      current = running ?? start();
    } catch (e) {
      return Promise.reject(toStudioError(e));
    }
    return new Promise<T>((resolve, reject) => {
      const rejectOnce = (error: StudioError) => reject(error);
      current.pending.add(rejectOnce);
      run(current.api).then(
        (value) => {
          current.pending.delete(rejectOnce);
          resolve(value);
        },
        (error: unknown) => {
          current.pending.delete(rejectOnce);
          reject(toStudioError(error));
        },
      );
    });
  }

  return {
    runtime: () => call((api) => api.runtime()),
    openModel: (files) => call((api) => api.openModel(transfer(files, transferablesOf(files)))),
    closeModel: (id) => call((api) => api.closeModel(id)),
    estimateSize: (modelId, recipe) => call((api) => api.estimateSize(modelId, recipe)),
    applyRecipe: (modelId, recipe, onProgress) =>
      call((api) => api.applyRecipe(modelId, recipe, progressProxy(onProgress))),
    openData: (modelId, files, options) =>
      call((api) => api.openData(modelId, transfer(files, transferablesOf(files)), options)),
    closeData: (dataId) => call((api) => api.closeData(dataId)),
    measure: (modelId, recipe, options, onProgress) =>
      call((api) => api.measure(modelId, recipe, options, progressProxy(onProgress))),
    histogram: (modelId, recipe, tensorName, bins) => call((api) => api.histogram(modelId, recipe, tensorName, bins)),
    exportVariant: (modelId, recipe, onProgress) =>
      call((api) => api.exportVariant(modelId, recipe, progressProxy(onProgress))),
    cancel() {
      if (running === null) return;
      stop(running, cancelledError());
      for (const listener of listeners) listener('cancelled');
    },
    onRestart(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    dispose() {
      disposed = true;
      if (running !== null) stop(running, cancelledError());
      listeners.clear();
    },
  };
}

/** A callback the worker can call back across the boundary (Comlink proxies functions; it cannot clone them). */
function progressProxy(onProgress: ProgressCallback | undefined): ProgressCallback | undefined {
  return onProgress ? proxy(onProgress) : undefined;
}

/** Each distinct ArrayBuffer once (transferring one twice throws); SharedArrayBuffers cannot be transferred. */
function transferablesOf(files: InputFile[]): Transferable[] {
  const buffers = new Set<ArrayBuffer>();
  for (const file of files) {
    if (file.data.buffer instanceof ArrayBuffer) buffers.add(file.data.buffer);
  }
  return [...buffers];
}
