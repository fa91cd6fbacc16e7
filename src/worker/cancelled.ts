/** The check long calls make between their stages where the core has none of its own (reading files, writing zips). */
import { PareError } from '../errors';

/** Throws PareError('cancelled') when `signal` was aborted; `what` says what stopped ('Opening the model'). */
export function throwIfCancelled(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw new PareError('cancelled', `${what} was cancelled.`);
}
