/**
 * Reads a zip's central directory and checks it before a single byte is inflated: every entry's sizes must be
 * ones a real entry can have, its data must lie inside the archive, no two entries may share bytes (the
 * overlapping-entries zip bomb), and no name may leave the archive's folder. The zip format (PKWARE APPNOTE):
 * an end-of-central-directory record at the end points at the central directory, one record per entry, each
 * pointing at a local header followed by the entry's compressed bytes.
 */
import { PareError, bytesText } from '../errors';
import { quoteName } from './quote';

export interface ZipEntry {
  /** The name as stored, '\\' folded to '/'. */
  name: string;
  /** 0 stored, 8 deflate. */
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  /** Where the compressed bytes start. */
  dataStart: number;
  isFolder: boolean;
}

const EOCD = 0x06054b50;
const EOCD64_LOCATOR = 0x07064b50;
const EOCD64 = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
/** Deflate's best case is about 1,032:1 (a 258-byte match in one bit each for length and distance). */
export const DEFLATE_MAX_RATIO = 1032;

const utf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');

class Reader {
  private readonly view: DataView;
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  u16 = (at: number) => this.view.getUint16(at, true);
  u32 = (at: number) => this.view.getUint32(at, true);
  u64(at: number): number {
    return this.u32(at) + this.u32(at + 4) * 2 ** 32; // may exceed 2^53: checked by the caller
  }
  fits = (at: number, length: number) => at >= 0 && at + length <= this.bytes.length;
}

/**
 * Lists and checks a zip's entries.
 *
 * @param zipName the archive's name in the drop, for messages
 * @throws PareError 'bad-zip' (no directory, truncated, multi-disk), 'bad-zip-size' (sizes past the archive or
 *   beyond what deflate can produce), 'zip-overlap' (entries sharing bytes), 'unsafe-path' (a name leaving the
 *   folder), 'unsupported' (encrypted entries, other compression methods)
 */
export function readZipDirectory(bytes: Uint8Array, zipName: string, maxEntries: number): ZipEntry[] {
  const r = new Reader(bytes);
  const where = quoteName(zipName);
  const bad = (why: string) =>
    new PareError('bad-zip', `${where} is not a readable zip archive (${why}); expected a .zip as zip tools write it.`, { file: zipName });

  const eocd = findEocd(r);
  if (eocd < 0) throw bad('no end-of-central-directory record');
  if (r.u16(eocd + 4) !== 0 || r.u16(eocd + 6) !== 0) throw bad('it is one part of a multi-disk archive');
  let count = r.u16(eocd + 10);
  let cdSize = r.u32(eocd + 12);
  let cdOffset = r.u32(eocd + 16);
  if ((count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) && eocd >= 20 && r.u32(eocd - 20) === EOCD64_LOCATOR) {
    const at = r.u64(eocd - 12);
    if (!r.fits(at, 56) || r.u32(at) !== EOCD64) throw bad('its zip64 directory record is missing');
    count = r.u64(at + 32);
    cdSize = r.u64(at + 40);
    cdOffset = r.u64(at + 48);
  }
  if (!r.fits(cdOffset, cdSize) || cdOffset + cdSize > eocd) {
    throw bad(`its central directory (${bytesText(cdSize)} at offset ${cdOffset}) lies outside the ${bytesText(bytes.length)} file; it may be truncated`);
  }
  if (count > maxEntries) {
    throw new PareError('too-large', `${where} holds ${count.toLocaleString('en-US')} entries; Pare opens archives of at most ${maxEntries.toLocaleString('en-US')}.`, { file: zipName });
  }
  if (count * 46 > cdSize) throw bad(`its directory claims ${count} entries in ${bytesText(cdSize)}`);

  const entries: ZipEntry[] = [];
  const spans: { start: number; end: number; name: string }[] = [];
  let at = cdOffset;
  for (let i = 0; i < count; i++) {
    if (!r.fits(at, 46) || r.u32(at) !== CENTRAL) throw bad(`directory record ${i + 1} of ${count} is damaged`);
    const flags = r.u16(at + 8);
    const method = r.u16(at + 10);
    const crc = r.u32(at + 16);
    let compressedSize = r.u32(at + 20);
    let size = r.u32(at + 24);
    const nameLength = r.u16(at + 28);
    const extraLength = r.u16(at + 30);
    const commentLength = r.u16(at + 32);
    let localOffset = r.u32(at + 42);
    if (!r.fits(at + 46, nameLength + extraLength + commentLength)) throw bad(`directory record ${i + 1} runs past the directory`);
    const rawName = bytes.subarray(at + 46, at + 46 + nameLength);
    const name = decodeName(rawName, (flags & 0x800) !== 0).replace(/\\/g, '/');
    const zip64 = readZip64Extra(r, at + 46 + nameLength, extraLength);
    // The zip64 extra holds, in this order, only the fields whose 32-bit slot is saturated.
    if (size === 0xffffffff) size = zip64.shift() ?? size;
    if (compressedSize === 0xffffffff) compressedSize = zip64.shift() ?? compressedSize;
    if (localOffset === 0xffffffff) localOffset = zip64.shift() ?? localOffset;
    at += 46 + nameLength + extraLength + commentLength;

    const entry = quoteName(name);
    checkName(name, entry, zipName);
    const isFolder = name.endsWith('/');
    if (flags & 0x1) {
      throw new PareError('unsupported', `Entry ${entry} in ${where} is encrypted; Pare opens only unencrypted zips.`, { file: zipName });
    }
    if (method !== 0 && method !== 8 && !isFolder) {
      throw new PareError('unsupported', `Entry ${entry} in ${where} uses compression method ${method}; Pare reads stored (0) and deflate (8) entries.`, { file: zipName });
    }
    const absurd = (why: string) =>
      new PareError('bad-zip-size', `Entry ${entry} in ${where} ${why}; the archive is damaged or hostile, so it was not opened.`, { file: zipName });
    if (!Number.isSafeInteger(size) || !Number.isSafeInteger(compressedSize) || !Number.isSafeInteger(localOffset)) {
      throw absurd('declares sizes or an offset beyond 2^53 bytes');
    }
    if (method === 0 && compressedSize !== size) {
      throw absurd(`is stored uncompressed yet declares ${bytesText(compressedSize)} stored and ${bytesText(size)} unpacked`);
    }
    if (method === 8 && size > compressedSize * DEFLATE_MAX_RATIO + 1024) {
      throw absurd(
        `declares ${bytesText(size)} unpacked from ${bytesText(compressedSize)} compressed; deflate cannot expand data more than ${DEFLATE_MAX_RATIO.toLocaleString('en-US')} times`,
      );
    }
    if (!r.fits(localOffset, 30) || r.u32(localOffset) !== LOCAL) {
      throw bad(`entry ${entry} points at offset ${localOffset}, where there is no local header`);
    }
    const dataStart = localOffset + 30 + r.u16(localOffset + 26) + r.u16(localOffset + 28);
    if (dataStart + compressedSize > cdOffset) {
      throw absurd(
        `declares ${bytesText(compressedSize)} compressed at offset ${dataStart}, past the end of the entries' data (offset ${cdOffset})`,
      );
    }
    spans.push({ start: localOffset, end: dataStart + compressedSize, name });
    entries.push({ name, method, crc, compressedSize, size, dataStart, isFolder });
  }
  checkNoOverlap(spans, zipName);
  return entries;
}

/** The end-of-central-directory record: the last 'PK\5\6' within the 64 KiB a trailing comment may take. */
function findEocd(r: Reader): number {
  const last = r.bytes.length - 22;
  for (let at = last; at >= 0 && at >= last - 0xffff; at--) {
    if (r.u32(at) === EOCD && at + 22 + r.u16(at + 20) === r.bytes.length) return at;
  }
  for (let at = last; at >= 0 && at >= last - 0xffff; at--) if (r.u32(at) === EOCD) return at; // comment length off
  return -1;
}

function readZip64Extra(r: Reader, at: number, length: number): number[] {
  const end = at + length;
  while (at + 4 <= end) {
    const id = r.u16(at);
    const size = r.u16(at + 2);
    if (id === 0x0001) {
      const values: number[] = [];
      for (let k = 0; k + 8 <= size && at + 4 + k + 8 <= end; k += 8) values.push(r.u64(at + 4 + k));
      return values;
    }
    at += 4 + size;
  }
  return [];
}

function decodeName(raw: Uint8Array, flaggedUtf8: boolean): string {
  // macOS's Archive Utility writes UTF-8 without setting the flag, so UTF-8 is tried first either way.
  try {
    return utf8.decode(raw);
  } catch {
    return flaggedUtf8 ? new TextDecoder('utf-8').decode(raw) : latin1.decode(raw);
  }
}

/** Refuses names that climb out of the archive's folder or name an absolute place. */
function checkName(name: string, entry: string, zipName: string): void {
  const unsafe = (why: string) =>
    new PareError('unsafe-path', `Entry ${entry} in ${quoteName(zipName)} ${why}; Pare refuses archives whose entries leave their folder.`, {
      file: zipName,
    });
  if (name.includes('\0')) throw unsafe('has a NUL character in its name');
  if (name.startsWith('/')) throw unsafe('has an absolute path');
  if (/^[a-zA-Z]:/.test(name)) throw unsafe('names a drive letter');
  if (name.split('/').includes('..')) throw unsafe("climbs out of the archive's folder with '..'");
}

/** Entries in archive order must not share bytes: each one's data ends before the next local header starts. */
function checkNoOverlap(spans: { start: number; end: number; name: string }[], zipName: string): void {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  for (let i = 1; i < sorted.length; i++) {
    const [a, b] = [sorted[i - 1], sorted[i]];
    if (b.start < a.end) {
      throw new PareError(
        'zip-overlap',
        `Entries ${quoteName(a.name)} and ${quoteName(b.name)} in ${quoteName(zipName)} share bytes of the archive ` +
          `(offsets ${a.start} to ${a.end} and ${b.start} to ${b.end}), as zip bombs are built; the archive was not opened.`,
        { file: zipName },
      );
    }
  }
}
