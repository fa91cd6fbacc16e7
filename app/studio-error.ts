/**
 * Turns whatever a failed call threw into the one error shape the UI shows: {code, message, file?, weight?}.
 * PareErrors arrive from the worker as Errors carrying code/file/weight (see src/worker/error-transfer.ts);
 * anything without a code is a bug or a platform failure and is labelled as such rather than dressed up.
 */
import type { StudioError, StudioErrorCode } from '../src/worker/api';

/** Normalises a thrown value. Values that already are StudioErrors pass through unchanged. */
export function toStudioError(thrown: unknown): StudioError {
  if (typeof thrown === 'object' && thrown !== null && typeof (thrown as { message?: unknown }).message === 'string') {
    const { code, message, file, weight } = thrown as { code?: unknown; message: string; file?: unknown; weight?: unknown };
    const error: StudioError =
      typeof code === 'string'
        ? { code: code as StudioErrorCode, message }
        : { code: 'internal', message: `Unexpected error: ${message}` };
    if (typeof file === 'string') error.file = file;
    if (typeof weight === 'string') error.weight = weight;
    return error;
  }
  return { code: 'internal', message: `Unexpected error: ${String(thrown)}` };
}

/**
 * The error a call rejects with when the user cancels it. `restarted`: the worker did not stop in time and was
 * replaced, so what it held is being opened again.
 */
export function cancelledError(restarted = false): StudioError {
  return restarted
    ? { code: 'cancelled', message: 'Cancelled: the studio worker did not stop in time, so it was started again.' }
    : { code: 'cancelled', message: 'Cancelled.' };
}

/** Short human titles for error codes, shown above the message; `fallback` for codes without their own. */
export function errorTitle(code: StudioErrorCode, fallback = 'Could not open the model'): string {
  const titles: Partial<Record<StudioErrorCode, string>> = {
    'empty-input': 'Nothing to open',
    'not-a-model': 'Not a TensorFlow.js model',
    'ambiguous-input': 'More than one model',
    'bad-json': 'Malformed JSON',
    'bad-model-json': 'Invalid model.json',
    'bad-zip': 'Unreadable zip',
    'bad-zip-size': 'Zip declares impossible sizes',
    'bad-crc': 'Damaged file (checksum mismatch)',
    'zip-bomb': 'Zip bomb refused',
    'zip-overlap': 'Zip bomb refused',
    'zip-nesting': 'Zips nested too deep',
    'too-large': 'Too large to open',
    'unsafe-path': 'Path leaves the model folder',
    'not-a-file': 'Not a regular file',
    'missing-weight': 'Weight missing from the manifest',
    'unowned-weight': 'Weight belongs to no layer',
    'unknown-layer': 'Unknown layer class',
    'graph-cycle': 'Graph has a cycle',
    'bad-graph': 'Broken graph',
    'stock-refuses': 'TensorFlow.js cannot load it',
    'too-deep': 'Nested too deep',
    'bad-encoding': 'Not UTF-8',
    'missing-shard': 'Missing weight shard',
    'shard-length': 'Weight shard has the wrong length',
    'unknown-dtype': 'Unknown data type',
    'shape-mismatch': 'Shape does not match the weights',
    unsupported: 'Not supported yet',
    'bad-recipe': 'Invalid recipe',
    'bad-data': 'The data cannot be used',
    'bad-options': 'Cannot do that',
    unreadable: 'Could not read the file',
    'worker-crashed': 'The studio worker stopped',
    internal: 'Unexpected error',
  };
  return titles[code] ?? fallback;
}
