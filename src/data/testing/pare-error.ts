/** Test-only: the PareError a call throws. */
import { expect } from 'vitest';
import { PareError } from '../../errors';

/** Runs fn and returns the PareError it throws (fails the test if it throws anything else or nothing). */
export function pareError(fn: () => unknown): PareError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(PareError);
    return e as PareError;
  }
  throw new Error('expected a PareError, nothing was thrown');
}
