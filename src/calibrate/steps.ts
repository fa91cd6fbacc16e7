/**
 * Long kernels as generators. Error-compensating pruning and rounding of a wide layer (thousands of inputs) take
 * seconds of plain loops; written as generators that yield between rows, the same code runs to the end at once
 * (tests, the CLI's one-shot use) or with pauses in between, which let a worker take in a cancel and its
 * progress messages while a layer is being worked on.
 */

/** A kernel that yields between pieces of work and returns its result. */
export type Steps<T> = Generator<void, T, void>;

/** Runs `steps` to the end without pausing. */
export function runSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/**
 * Runs `steps` to the end, awaiting `pause` at every yield (it decides whether to really let the event loop run,
 * and throws to stop the work, e.g. when the job was cancelled).
 */
export async function runStepsPausing<T>(steps: Steps<T>, pause: () => Promise<void>): Promise<T> {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    await pause();
  }
}
