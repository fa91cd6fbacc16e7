/** The checks long calls make between their stages where the core has none of its own (reading files, writing zips). */
import { nextTask } from '../abort-points';
import { PareError } from '../errors';

/** Throws PareError('cancelled') when `signal` was aborted; `what` says what stopped ('Opening the model'). */
export function throwIfCancelled(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw new PareError('cancelled', `${what} was cancelled.`);
}

/**
 * After a long synchronous stage (writing an export, loading a model into tf): lets a waiting abort message in
 * (one task), then checks. Without a signal it returns at once.
 */
export async function cancelPoint(signal: AbortSignal | undefined, what: string): Promise<void> {
  if (signal === undefined) return;
  await nextTask();
  throwIfCancelled(signal, what);
}
