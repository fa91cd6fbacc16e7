/**
 * Inflates a deflate stream without trusting the size its container declares: the compressed bytes go through
 * fflate's streaming Inflate a slice at a time, so one step produces at most about a thousand times the slice,
 * and inflation stops as soon as the output passes the declared size. A 1 GiB stream behind a 10-byte declared
 * size costs at most about 16 MiB and a fraction of a second, not a gigabyte.
 */
import { Inflate } from 'fflate';

/**
 * Compressed bytes pushed per step: 16 KiB, or more for large entries (fewer steps, less copying), so that one
 * step's output (at most 1,032 times the slice, deflate's best ratio) stays within 16 MiB or the declared size.
 */
function sliceFor(declared: number): number {
  return Math.max(16 * 1024, Math.ceil(declared / 1032));
}

export type InflateOutcome =
  | { kind: 'ok'; data: Uint8Array }
  /** The output passed the declared size; `produced` is how far inflation got before it stopped. */
  | { kind: 'over-limit'; produced: number }
  /** The stream ended early (`produced` bytes) or is not valid deflate. */
  | { kind: 'broken'; reason: string; produced: number };

/**
 * @param declared the size the container declares (already checked against the unpacking budget); the output
 *   buffer is allocated once at this size and never grows past it
 */
export function inflateBounded(compressed: Uint8Array, declared: number): InflateOutcome {
  const out = new Uint8Array(declared);
  let produced = 0;
  let over = false;
  let ended = false;
  const slice = sliceFor(declared);
  const inflate = new Inflate((chunk, final) => {
    if (over) return;
    if (produced + chunk.length > declared) {
      over = true;
      produced += chunk.length;
      return;
    }
    out.set(chunk, produced);
    produced += chunk.length;
    if (final) ended = true;
  });
  try {
    if (compressed.length === 0) inflate.push(compressed, true);
    for (let at = 0; at < compressed.length && !over && !ended; at += slice) {
      const end = Math.min(at + slice, compressed.length);
      inflate.push(compressed.subarray(at, end), end === compressed.length);
    }
  } catch (e) {
    if (!over) return { kind: 'broken', reason: fflateReason(e), produced };
  }
  if (over) return { kind: 'over-limit', produced };
  if (!ended) return { kind: 'broken', reason: 'the compressed stream is cut short', produced };
  if (produced < declared) return { kind: 'broken', reason: `it inflates to ${produced} bytes, fewer than declared`, produced };
  return { kind: 'ok', data: out };
}

function fflateReason(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return message === 'unexpected EOF' ? 'the compressed stream is cut short' : `its compressed stream is broken: ${message}`;
}
