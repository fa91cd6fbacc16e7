/**
 * Cooperative cancel across the worker boundary. An AbortSignal cannot be cloned, so the page's client names each
 * long call with an id; here every such call gets an AbortController under that id, its signal goes to the core,
 * and `abortCalls(ids)` (a separate message, handled while the long call is still running, because the core
 * yields between tensors and batches) aborts it. The worker and everything it holds stay alive.
 */
import { JOB_ARGUMENT, type JobOptions, type LongCall, type StudioApi, type StudioWorkerApi } from './api';

/** Running calls by id; what `withCallSignals` keeps (exported for tests). */
export class CallSignals {
  private readonly running = new Map<string, AbortController>();
  /** A second signal per call that only ends training (JobOptions.stop). */
  private readonly stopping = new Map<string, AbortController>();

  /** A signal for the call `id`; `end` must follow when the call settles. */
  start(id: string): AbortSignal {
    const controller = new AbortController();
    this.running.set(id, controller);
    return controller.signal;
  }

  /** The call's stop signal (made on first ask). */
  stopSignal(id: string): AbortSignal {
    let controller = this.stopping.get(id);
    if (!controller) this.stopping.set(id, (controller = new AbortController()));
    return controller.signal;
  }

  end(id: string): void {
    this.running.delete(id);
    this.stopping.delete(id);
  }

  abort(ids: string[]): void {
    for (const id of ids) this.running.get(id)?.abort();
  }

  stop(ids: string[]): void {
    for (const id of ids) if (this.running.has(id)) this.stopping.get(id)?.abort();
  }

  /** How many calls are running (for tests). */
  get size(): number {
    return this.running.size;
  }
}

/**
 * A progress callback that remembers the reports still on their way. Over Comlink each report travels on the
 * callback's own port and the call's result on the worker's, and two ports keep no order between them: a row
 * streamed last could reach the page after the result that already holds it (the page then showed it twice).
 * A call therefore settles only once every report it sent has been handled.
 */
function deliveredFirst(onProgress: JobOptions['onProgress']): { onProgress: JobOptions['onProgress']; delivered(): Promise<void> } {
  if (!onProgress) return { onProgress, delivered: async () => {} };
  const pending = new Set<Promise<void>>();
  const tracked = (progress: Parameters<NonNullable<JobOptions['onProgress']>>[0]) => {
    // A report the page could not take (it went away) must not fail the work, nor hold up its end.
    const sent: Promise<void> = Promise.resolve(onProgress(progress)).then(
      () => {},
      () => {},
    );
    pending.add(sent);
    void sent.then(() => pending.delete(sent));
    return sent;
  };
  return { onProgress: tracked, delivered: async () => void (await Promise.all(pending)) };
}

/**
 * Wraps `api` so that a long call sent as `(...args, callId, onProgress)` runs as `(...args, {signal, onProgress})`
 * with a live signal, and settles only after the page has handled every progress report it sent. Calls with
 * JobOptions in that place (in-process callers) pass through unchanged.
 *
 * @example expose(withCallSignals(createStudioApi(deps).api));
 */
export function withCallSignals(api: StudioApi, signals = new CallSignals()): StudioWorkerApi {
  const wrapped: StudioWorkerApi = {
    ...api,
    async abortCalls(callIds: string[]) {
      signals.abort(callIds);
    },
    async stopCalls(callIds: string[]) {
      signals.stop(callIds);
    },
  };
  for (const method of Object.keys(JOB_ARGUMENT) as LongCall[]) {
    const at = JOB_ARGUMENT[method];
    const original = api[method] as (...args: unknown[]) => Promise<unknown>;
    (wrapped as unknown as Record<LongCall, (...args: unknown[]) => Promise<unknown>>)[method] = async (...args: unknown[]) => {
      const callId = args[at];
      if (typeof callId !== 'string') return original(...args);
      const reports = deliveredFirst(args[at + 1] as JobOptions['onProgress']);
      // Arguments after the wire pair (applyRecipe's data binding) follow the JobOptions as they came.
      const job: JobOptions = { onProgress: reports.onProgress, signal: signals.start(callId), stop: signals.stopSignal(callId) };
      const next = [...args.slice(0, at), job, ...args.slice(at + 2)];
      try {
        return await original(...next);
      } finally {
        signals.end(callId);
        await reports.delivered();
      }
    };
  }
  return wrapped;
}
