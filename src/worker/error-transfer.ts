/**
 * Comlink copies only name, message and stack of a thrown Error to the other side. PareErrors carry more — a
 * code and the file or weight at fault — so the worker installs this serializer for thrown values. The page needs
 * nothing special: Comlink's own deserializer rebuilds the Error with every field it received.
 */
import { transferHandlers, type TransferHandler } from 'comlink';
import { isPareError } from '../errors';

interface Thrown {
  value: unknown;
}

/** What crosses the boundary for a thrown Error; the same shape Comlink's stock handler uses. */
interface SerializedThrow {
  isError: boolean;
  value: unknown;
}

/**
 * Replaces Comlink's 'throw' handler in this context so that thrown PareErrors keep code, file and weight.
 * Call once in the worker before `expose`; calling again is harmless.
 */
export function sendErrorDetails(): void {
  const stock = transferHandlers.get('throw') as TransferHandler<Thrown, SerializedThrow> | undefined;
  if (stock === undefined || (stock as { pare?: boolean }).pare) return;
  const handler: TransferHandler<Thrown, SerializedThrow> & { pare: true } = {
    pare: true,
    canHandle: (value: unknown): value is Thrown => stock.canHandle(value),
    serialize(thrown) {
      const error = thrown.value;
      if (!(error instanceof Error)) return stock.serialize(thrown);
      const details = isPareError(error) ? { code: error.code, file: error.file, weight: error.weight } : {};
      return [{ isError: true, value: { name: error.name, message: error.message, stack: error.stack, ...details } }, []];
    },
    deserialize: (serialized) => stock.deserialize(serialized),
  };
  transferHandlers.set('throw', handler as TransferHandler<unknown, unknown>);
}
