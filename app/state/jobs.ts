/**
 * Running one long job in the worker with a status the page shows: its steps, the current step's progress, and
 * its end. Cancel aborts the job's signal: the worker stops the call in flight (keeping the model, the data and
 * every variant it finished), no further step starts, and the job ends with a notice of where it stopped.
 */
import type { JobOptions, JobProgress, StudioError } from '../../src/worker/api';
import { cancelledError, toStudioError } from '../studio-error';
import type { JobKind } from './jobs-slice';
import { studio } from './store';

export interface JobContext {
  /** Starts the next step, with its label ('Measuring Variant 2'); throws 'cancelled' once the job was cancelled. */
  step(label: string): void;
  /** Progress callback for worker calls. */
  progress: (p: JobProgress) => void;
  /** The job's signal and progress callback, for each worker call the job makes. */
  job: JobOptions;
  /** Throws 'cancelled' if the job was cancelled (for work between worker calls). */
  checkCancelled(): void;
}

/** The running job's controller: Cancel aborts it. */
let running: AbortController | null = null;

/** 'Measuring Variant 2' -> 'measuring Variant 2', to continue a sentence. */
function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/**
 * Runs `work` as the studio's job. Resolves true when it finished, false when it was cancelled (a notice says
 * where) or failed (the error is in `jobError`) or another job was running.
 */
export async function runJob(kind: JobKind, label: string, steps: number, work: (ctx: JobContext) => Promise<void>): Promise<boolean> {
  if (studio.getState().job !== null) return false;
  const controller = new AbortController();
  running = controller;
  const startedAt = Date.now();
  // The model the job works on: if another model (or a new session) replaced it meanwhile, the job's end is not news.
  const source = studio.getState().model?.source;
  studio.setState({
    job: { kind, label, step: 0, steps, stepLabel: '', progress: null, startedAt },
    jobError: null,
    notice: null,
  });
  const checkCancelled = () => {
    if (controller.signal.aborted) throw cancelledError();
  };
  const progress = (p: JobProgress) => {
    studio.setState((s) => (s.job ? { job: { ...s.job, progress: p } } : {}));
  };
  const ctx: JobContext = {
    step(stepLabel) {
      checkCancelled();
      studio.setState((s) =>
        s.job ? { job: { ...s.job, step: Math.min(s.job.steps, s.job.step + 1), stepLabel, progress: null } } : {},
      );
    },
    progress,
    job: { signal: controller.signal, onProgress: progress },
    checkCancelled,
  };
  try {
    await work(ctx);
    studio.setState({ job: null });
    return true;
  } catch (thrown) {
    const error: StudioError = toStudioError(thrown);
    if (error.code === 'cancelled') {
      const where = studio.getState().job?.stepLabel;
      // The fallback: the worker ignored the abort and was replaced, so the model is being opened again.
      const restarted = error.message === cancelledError(true).message;
      const after = restarted
        ? 'the worker did not stop in time, so it was restarted and the model is opened again.'
        : 'what was finished before is kept.';
      const text = `Cancelled${where ? ` while ${lowerFirst(where)}` : ''}; ${after}`;
      studio.setState(studio.getState().model?.source === source ? { job: null, notice: { job: kind, text } } : { job: null });
    } else studio.setState({ job: null, jobError: { ...error, job: kind } });
    return false;
  } finally {
    if (running === controller) running = null;
  }
}

/** The Cancel button: the worker stops the job at its next check; the model and data stay open. */
export function cancelJob(): void {
  if (running === null || running.signal.aborted) return;
  running.abort();
  studio.setState((s) => (s.job ? { job: { ...s.job, cancelling: true } } : {}));
}

export function dismissJobError(): void {
  studio.setState({ jobError: null });
}

export function dismissNotice(): void {
  studio.setState({ notice: null });
}
