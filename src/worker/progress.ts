/**
 * Progress reports that cross to the page: each is a message, so they are throttled (at most one every
 * ~100 ms, plus the last one of a phase), which keeps the page's main thread free while the worker works.
 */
import type { JobPhase, ProgressCallback } from './api';

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
