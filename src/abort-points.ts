/**
 * Where a long loop lets an abort reach it. An AbortSignal is aborted by a task (in the worker: the page's
 * "abort" message), and loops whose awaits only resolve microtasks (predict and data() on the cpu and wasm
 * backends) never let a task run. An abort point yields one task now and then, only when there is a signal to
 * watch, so headless runs without one (the CLI, benchmarks) are unchanged.
 */

/** At most one yield per this many milliseconds. */
const EVERY_MS = 25;

/** Resolves after one task: a MessageChannel message, which unlike setTimeout is never clamped to 4 ms. */
export function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/**
 * An abort point for a loop watching `signal`: call and await it before each check of `signal.aborted`.
 *
 * @example
 *   const abortPoint = abortPoints(options.signal);
 *   for (...) { await abortPoint(); if (options.signal?.aborted) throw ...; }
 */
export function abortPoints(signal: AbortSignal | undefined): () => Promise<void> {
  if (signal === undefined) return async () => {};
  // The first call yields at once: the loop may follow long synchronous work (loading a model) that an abort
  // has been waiting behind.
  let last = -Infinity;
  return async () => {
    if (Date.now() - last < EVERY_MS) return;
    await nextTask();
    last = Date.now();
  };
}
