/**
 * Progress reports that cross to the page: each is a message, so they are throttled (at most one every
 * ~100 ms, plus the last one of a phase), which keeps the page's main thread free while the worker works.
 */
import type { JobPhase, ProgressCallback } from './api';
import type { TrainProgress } from '../train/types';

const INTERVAL_MS = 100;

/** A reporter for one phase: call it as often as convenient; it forwards what the page needs to see. */
export function phaseReporter(
  onProgress: ProgressCallback | undefined,
  phase: JobPhase,
): (done: number, total: number, etaMs?: number | null) => void {
  let last = -Infinity;
  return (done, total, etaMs = null) => {
    if (!onProgress) return;
    const now = Date.now();
    if (done < total && now - last < INTERVAL_MS) return;
    last = now;
    // A failed report (the page went away) must not fail the work.
    void Promise.resolve(onProgress({ phase, done, total, etaMs })).catch(() => {});
  };
}

/**
 * Training progress for the page, as streamed reports: batch reports at most every ~100 ms, epoch reports always
 * (each is a point on the page's curves).
 */
export function trainingReporter(onProgress: ProgressCallback | undefined): ((p: TrainProgress, where: string) => void) | undefined {
  if (!onProgress) return undefined;
  let last = -Infinity;
  // Epoch reports do not carry the run's length; the batch reports before them do.
  let epochs = 0;
  return (progress, where) => {
    const now = Date.now();
    if (progress.kind === 'batch') epochs = progress.epochs;
    if (progress.kind === 'batch' && now - last < INTERVAL_MS) return;
    last = now;
    const [done, total] =
      progress.kind === 'batch'
        ? [progress.epoch - 1 + progress.batch / progress.batches, progress.epochs]
        : [progress.epoch, Math.max(epochs, progress.epoch)];
    const etaMs = progress.kind === 'batch' ? progress.etaSeconds * 1000 : null;
    void Promise.resolve(onProgress({ phase: 'train', done, total, etaMs, streamed: { kind: 'training', where, progress } })).catch(() => {});
  };
}
