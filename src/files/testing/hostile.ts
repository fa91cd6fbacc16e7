/**
 * Builders for hostile containers, kept small in memory: a deflate stream of many megabytes of zeros is made by
 * streaming one zero buffer through fflate's Deflate repeatedly, so the test never holds the inflated size.
 */
import { Deflate, gzipSync } from 'fflate';

/** Deflated `megabytes` MiB of zeros (about 1 KiB per MiB compressed). */
export function deflatedZeros(megabytes: number): Uint8Array {
  const zeros = new Uint8Array(1024 * 1024);
  const parts: Uint8Array[] = [];
  const deflate = new Deflate({ level: 9 }, (chunk) => parts.push(chunk));
  for (let i = 0; i < megabytes; i++) deflate.push(zeros, i === megabytes - 1);
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A gzip file whose trailer records `recordedSize` and `recordedCrc` instead of the truth. */
export function gzipWithTrailer(data: Uint8Array, recorded: { size?: number; crc?: number }): Uint8Array {
  const gz = gzipSync(data);
  const v = new DataView(gz.buffer, gz.byteOffset, gz.byteLength);
  if (recorded.crc !== undefined) v.setUint32(gz.length - 8, recorded.crc, true);
  if (recorded.size !== undefined) v.setUint32(gz.length - 4, recorded.size, true);
  return gz;
}
