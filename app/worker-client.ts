/**
 * The page's handle on the studio worker. Wraps it with Comlink, transfers file buffers instead of copying them,
 * and rejects failed calls with a StudioError ({code, message, file?, weight?}).
 *
 * Cancel is cooperative: every long call carries a call id, and aborting it (its own signal, or `cancel()` for
 * all of them) asks the worker to abort that id; the core stops at its next check and the call rejects with code
 * 'cancelled', while the worker keeps its models, data and finished variants. Only a call that has not settled
 * `cancelGraceMs` after its abort (a kernel that runs on and on) makes the client terminate the worker and start a
 * new one; listeners registered with onRestart then reopen what the user had.
 */
import { proxy, transfer, wrap, type Remote } from 'comlink';
import type { InputFile } from '../src/model/types';
import type {
  DataBinding,
  DataRef,
  ExportedVariant,
  FoundRecipe,
  JobOptions,
  Measurement,
  MeasureOptions,
  OpenDataOptions,
  NewClassesOptions,
  NewClassesRef,
  OpenedModelRef,
  ProgressCallback,
  Recipe,
  SearchTarget,
  SensitivityResult,
  StudioApi,
  StudioError,
  StudioWorkerApi,
  TensorHistogram,
  TrainedVariantRef,
  VariantRef,
} from '../src/worker/api';
import { cancelledError, toStudioError } from './studio-error';

/**
 * The worker's API as the page calls it (same methods; openModel and openData transfer the files' buffers, so the
 * caller's Uint8Arrays are detached afterwards; a long call's `job.signal` cancels it), plus control of the
 * worker itself.
 */
export interface StudioClient extends StudioApi {
  /** Cancels every long call in flight (as if each one's signal aborted). */
  cancel(): void;
  /** Called after the worker was replaced (a cancel it ignored, or a crash): its models are gone. Returns an unsubscribe. */
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

export interface WorkerClientOptions {
  /** How long an aborted call may take to settle before the worker is terminated and replaced (default 3 s). */
  cancelGraceMs?: number;
}

export const CANCEL_GRACE_MS = 3000;

/** Starts the studio worker. The URL is written inline so Vite bundles the worker and its dependencies. */
export function spawnStudioWorker(): WorkerLike {
  return new Worker(new URL('../src/worker/studio.worker.ts', import.meta.url), { type: 'module', name: 'pare-studio' });
}

interface PendingCall {
  reject: (error: StudioError) => void;
  /** Long calls can be aborted by id; the short ones (runtime, closeModel, estimateSize ...) just finish. */
  long: boolean;
  aborted: boolean;
}

interface Running {
  worker: WorkerLike;
  api: Wire;
  pending: Map<string, PendingCall>;
}

/**
 * What a long call sends in place of its JobOptions: the id to abort it by, then its progress callback (a
 * top-level argument: Comlink proxies functions only there). withCallSignals in the worker reads them back.
 */
type WireJob = [callId: string, onProgress: ProgressCallback | undefined];

/** The worker's API with each long call's JobOptions spread into the two wire arguments. */
interface WireApi {
  openModel(files: InputFile[], ...job: WireJob): Promise<OpenedModelRef>;
  applyRecipe(modelId: string, recipe: Recipe, callId: WireJob[0], onProgress: WireJob[1], data: DataBinding | undefined): Promise<VariantRef>;
  openData(modelId: string, files: InputFile[], options: OpenDataOptions | undefined, ...job: WireJob): Promise<DataRef>;
  measure(modelId: string, variantId: string | null, options: MeasureOptions, ...job: WireJob): Promise<Measurement>;
  histogram(modelId: string, variantId: string | null, tensorName: string, bins: number | undefined, ...job: WireJob): Promise<TensorHistogram>;
  exportVariant(modelId: string, variantId: string, ...job: WireJob): Promise<ExportedVariant>;
  findRecipe(modelId: string, dataId: string, target: SearchTarget, calibrationSamples: number, ...job: WireJob): Promise<FoundRecipe>;
  sensitivity(modelId: string, dataId: string, samples: number, ...job: WireJob): Promise<SensitivityResult>;
  openNewClasses(modelId: string, files: InputFile[], options: NewClassesOptions | undefined, ...job: WireJob): Promise<NewClassesRef>;
  train(modelId: string, recipe: Recipe, callId: WireJob[0], onProgress: WireJob[1], data: DataBinding | undefined): Promise<TrainedVariantRef>;
}

type Wire = Remote<StudioWorkerApi> & Remote<WireApi>;

/**
 * Creates the client. The worker starts on the first call.
 *
 * @example
 *   const client = createWorkerClient();
 *   const { id, inventory } = await client.openModel([{ name: 'model.json', data }]);
 *   const stop = new AbortController();
 *   const measuring = client.measure(id, null, { dataId: null }, { signal: stop.signal, onProgress });
 *   stop.abort(); // measuring rejects with code 'cancelled'; the model stays open
 */
export function createWorkerClient(spawn: () => WorkerLike = spawnStudioWorker, options: WorkerClientOptions = {}): StudioClient {
  const graceMs = options.cancelGraceMs ?? CANCEL_GRACE_MS;
  let running: Running | null = null;
  let disposed = false;
  let nextCall = 1;
  const listeners = new Set<(reason: 'cancelled' | 'crashed') => void>();

  function start(): Running {
    if (disposed) throw { code: 'internal', message: 'The studio worker client was disposed.' } satisfies StudioError;
    const worker = spawn();
    const current: Running = { worker, api: wrap<StudioWorkerApi>(worker as unknown as Worker) as Wire, pending: new Map() };
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
    for (const call of target.pending.values()) call.reject(reason);
    target.pending.clear();
  }

  /** Asks the worker to abort these calls; the fallback terminates it if any is still running after the grace period. */
  function abort(target: Running, ids: string[]): void {
    const fresh = ids.filter((id) => {
      const call = target.pending.get(id);
      if (!call || !call.long || call.aborted) return false;
      call.aborted = true;
      return true;
    });
    if (fresh.length === 0) return;
    target.api.abortCalls(fresh).catch(() => {});
    setTimeout(() => {
      if (running !== target || !fresh.some((id) => target.pending.has(id))) return;
      stop(target, cancelledError(true));
      for (const listener of listeners) listener('cancelled');
    }, graceMs);
  }

  function call<T>(long: boolean, signal: AbortSignal | undefined, run: (api: Wire, callId: string) => Promise<T>, stopSignal?: AbortSignal): Promise<T> {
    if (signal?.aborted) return Promise.reject(cancelledError());
    let current: Running;
    try {
      current = running ?? start();
    } catch (e) {
      return Promise.reject(toStudioError(e));
    }
    const id = `call-${nextCall++}`;
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => abort(current, [id]);
      // Stop is not a cancel: the call goes on and resolves with what training kept, so no grace timer.
      const onStop = () => void current.api.stopCalls([id]).catch(() => {});
      const settle = () => {
        current.pending.delete(id);
        signal?.removeEventListener('abort', onAbort);
        stopSignal?.removeEventListener('abort', onStop);
      };
      current.pending.set(id, { reject, long, aborted: false });
      signal?.addEventListener('abort', onAbort, { once: true });
      stopSignal?.addEventListener('abort', onStop, { once: true });
      run(current.api, id).then(
        // A call that finished before the abort reached it resolves: its work is done and kept.
        (value) => {
          settle();
          resolve(value);
        },
        (error: unknown) => {
          settle();
          reject(toStudioError(error));
        },
      );
    });
  }

  /** A long call: its JobOptions cross as a call id (signals cannot be cloned) and a proxied progress callback. */
  function long<T>(job: JobOptions | undefined, run: (api: Wire, ...wire: WireJob) => Promise<T>): Promise<T> {
    return call(true, job?.signal, (api, callId) => run(api, callId, progressProxy(job?.onProgress)), job?.stop);
  }

  const short = <T>(run: (api: Wire) => Promise<T>) => call(false, undefined, run);

  return {
    runtime: () => short((api) => api.runtime()),
    openModel: (files, job) => long(job, (api, ...wire) => api.openModel(transfer(files, transferablesOf(files)), ...wire)),
    closeModel: (id) => short((api) => api.closeModel(id)),
    estimateSize: (modelId, recipe) => short((api) => api.estimateSize(modelId, recipe)),
    channelEstimate: (modelId, recipe) => short((api) => api.channelEstimate(modelId, recipe)),
    applyRecipe: (modelId, recipe, job, data) => long(job, (api, ...wire) => api.applyRecipe(modelId, recipe, ...wire, data)),
    registerVariants: (modelId, recipes, data) => short((api) => api.registerVariants(modelId, recipes, data)),
    openData: (modelId, files, options, job) =>
      long(job, (api, ...wire) => api.openData(modelId, transfer(files, transferablesOf(files)), options, ...wire)),
    closeData: (dataId) => short((api) => api.closeData(dataId)),
    openNewClasses: (modelId, files, options, job) =>
      long(job, (api, ...wire) => api.openNewClasses(modelId, transfer(files, transferablesOf(files)), options, ...wire)),
    cutChoices: (modelId) => short((api) => api.cutChoices(modelId)),
    findRecipe: (modelId, dataId, target, calibrationSamples, job) =>
      long(job, (api, ...wire) => api.findRecipe(modelId, dataId, target, calibrationSamples, ...wire)),
    sensitivity: (modelId, dataId, samples, job) => long(job, (api, ...wire) => api.sensitivity(modelId, dataId, samples, ...wire)),
    measure: (modelId, variantId, options, job) =>
      long(job, (api, ...wire) => api.measure(modelId, variantId, options, ...wire)),
    histogram: (modelId, variantId, tensorName, bins, job) =>
      long(job, (api, ...wire) => api.histogram(modelId, variantId, tensorName, bins, ...wire)),
    exportVariant: (modelId, variantId, job) => long(job, (api, ...wire) => api.exportVariant(modelId, variantId, ...wire)),
    train: (modelId, recipe, job, data) => long(job, (api, ...wire) => api.train(modelId, recipe, ...wire, data)),
    cancel() {
      if (running !== null) abort(running, [...running.pending.keys()]);
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
