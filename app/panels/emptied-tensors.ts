/** Which tensors a variant's warnings say pruning emptied (warning code 'emptied-tensor', by weight name). */
import type { PareWarning } from '../../src/errors';

export function emptiedTensors(warnings: readonly PareWarning[] | undefined): Set<string> {
  return new Set((warnings ?? []).filter((w) => w.code === 'emptied-tensor' && w.weight).map((w) => w.weight!));
}
