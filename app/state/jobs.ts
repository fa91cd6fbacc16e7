/**
 * Running one long job in the worker with a status the page shows: its steps, the current step's progress, and
 * its end. Cancelling (the Cancel button) stops the worker; the job then ends quietly, keeping what each finished
 * step stored.
 */
import type { JobProgress, StudioError } from '../../src/worker/api';
import { toStudioError } from '../studio-error';
import { studioClient } from './client';
import type { JobKind } from './jobs-slice';
import { studio } from './store';

export interface JobContext {
  /** Starts the next step, with its label ('Measuring Variant 2'). */
  step(label: string): void;
  /** Progress callback for worker calls. */
  progress: (p: JobProgress) => void;
}

/**
 * Runs `work` as the studio's job. Resolves true when it finished, false when it was cancelled or failed (the
 * error is in `jobError`) or another job was running.
 */
export async function runJob(kind: JobKind, label: string, steps: number, work: (ctx: JobContext) => Promise<void>): Promise<boolean> {
  if (studio.getState().job !== null) return false;
  const startedAt = Date.now();
  studio.setState({
    job: { kind, label, step: 0, steps, stepLabel: '', progress: null, startedAt },
    jobError: null,
  });
  const ctx: JobContext = {
    step(stepLabel) {
      studio.setState((s) =>
        s.job ? { job: { ...s.job, step: Math.min(s.job.steps, s.job.step + 1), stepLabel, progress: null } } : {},
      );
    },
    progress(p) {
      studio.setState((s) => (s.job ? { job: { ...s.job, progress: p } } : {}));
    },
  };
  try {
    await work(ctx);
    studio.setState({ job: null });
    return true;
  } catch (thrown) {
    const error: StudioError = toStudioError(thrown);
    studio.setState({ job: null, jobError: error.code === 'cancelled' ? null : { ...error, job: kind } });
    return false;
  }
}

/** The Cancel button: stops the worker (it restarts, and the model and data are reopened in it). */
export function cancelJob(): void {
  if (studio.getState().job !== null) studioClient().cancel();
}

export function dismissJobError(): void {
  studio.setState({ jobError: null });
}
