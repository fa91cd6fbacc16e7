/**
 * Unpacks a gzip file (RFC 1952: a header, one deflate stream, a trailer with CRC-32 and size) against the
 * drop's budget. The trailer's size is checked before inflating and inflation stops at it; it is the size mod
 * 2^32, so a member of 4 GiB or more cannot pass (none fits a budget anyway).
 */
import { PareError, bytesText } from '../errors';
import type { InputFile } from '../model/types';
import { crc32 } from './crc32';
import { inflateBounded } from './inflate-bounded';
import type { UnpackBudget } from './limits';
import { quoteName } from './quote';
import { DEFLATE_MAX_RATIO } from './zip-directory';

const FEXTRA = 4;
const FNAME = 8;
const FCOMMENT = 16;
const FHCRC = 2;

/** A gzip file by name ('.gz') and signature: the name is required, since a weight shard may start 1f 8b. */
export function isGzipFile(file: InputFile): boolean {
  const d = file.data;
  return /\.gz$/i.test(file.name) && d.length >= 3 && d[0] === 0x1f && d[1] === 0x8b && d[2] === 8;
}

/** The name a gzip file's contents go by: 'x.idx.gz' -> 'x.idx'. */
export function gunzippedName(name: string): string {
  return name.replace(/\.gz$/i, '');
}

/**
 * @throws PareError('bad-zip') for a damaged header or stream, 'too-large' past the budget, 'zip-bomb' when the
 *   stream inflates past its recorded size, 'bad-crc' when the bytes do not match the recorded CRC-32
 */
export function gunzipFile(file: InputFile, budget: UnpackBudget): Uint8Array {
  const d = file.data;
  const where = quoteName(file.name);
  const bad = (why: string) => new PareError('bad-zip', `${where} is not a readable gzip file (${why}).`, { file: file.name });
  if (d.length < 18) throw bad(`it is ${bytesText(d.length)}, shorter than a gzip header and trailer`);
  const flags = d[3];
  let at = 10;
  if (flags & FEXTRA) at += 2 + (d[at] | (d[at + 1] << 8));
  if (flags & FNAME) at = skipZeroTerminated(d, at);
  if (flags & FCOMMENT) at = skipZeroTerminated(d, at);
  if (flags & FHCRC) at += 2;
  if (at > d.length - 8) throw bad('its header runs into the trailer');
  const view = new DataView(d.buffer, d.byteOffset, d.byteLength);
  const recordedCrc = view.getUint32(d.length - 8, true);
  const size = view.getUint32(d.length - 4, true);
  const compressed = d.subarray(at, d.length - 8);
  if (size > compressed.length * DEFLATE_MAX_RATIO + 1024) {
    throw new PareError(
      'bad-zip-size',
      `${where} records ${bytesText(size)} unpacked from ${bytesText(compressed.length)} compressed; deflate cannot expand data that much, so the file is damaged or cut short.`,
      { file: file.name },
    );
  }
  budget.reserve(size, gunzippedName(file.name), file.name);
  const outcome = inflateBounded(compressed, size);
  if (outcome.kind === 'over-limit') {
    throw new PareError(
      'zip-bomb',
      `${where} inflates past the ${bytesText(size)} its trailer records (stopped at ${bytesText(outcome.produced)}); a file that lies about its size is refused.`,
      { file: file.name },
    );
  }
  if (outcome.kind === 'broken') throw bad(outcome.reason);
  const actual = crc32(outcome.data);
  if (actual !== recordedCrc) {
    throw new PareError('bad-crc', `${where} is damaged: its bytes have CRC-32 ${hex(actual)}, the file records ${hex(recordedCrc)}.`, {
      file: file.name,
    });
  }
  return outcome.data;
}

const hex = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;

function skipZeroTerminated(d: Uint8Array, at: number): number {
  while (at < d.length && d[at] !== 0) at++;
  return at + 1;
}
