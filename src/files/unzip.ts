/**
 * Unpacks one zip archive safely: the directory is checked first (zip-directory.ts), the declared sizes of the
 * entries to be used are reserved against the drop's budget before any is inflated, each entry inflates to at
 * most its declared size, and each one's CRC-32 is verified. Junk entries (__MACOSX/, dot-files, Thumbs.db) are
 * never inflated.
 */
import { PareError, bytesText } from '../errors';
import type { InputFile } from '../model/types';
import { crc32 } from './crc32';
import { inflateBounded } from './inflate-bounded';
import type { UnpackBudget } from './limits';
import { isJunkPath } from './paths';
import { quoteName } from './quote';
import { readZipDirectory, type ZipEntry } from './zip-directory';

export interface UnzippedArchive {
  /** Files by their names inside the archive. */
  files: InputFile[];
  /** Folder entries (without the trailing '/'), so empty folders can be reported. */
  folders: string[];
}

/** A zip by name, or by its local-file / empty-archive signature ('PK\3\4', 'PK\5\6'). */
export function isZipFile(file: InputFile): boolean {
  if (file.name.toLowerCase().endsWith('.zip')) return true;
  const d = file.data;
  return d.length >= 4 && d[0] === 0x50 && d[1] === 0x4b && ((d[2] === 3 && d[3] === 4) || (d[2] === 5 && d[3] === 6));
}

/**
 * @throws what readZipDirectory throws; PareError('too-large') when the entries' declared sizes pass the budget,
 *   'zip-bomb' when an entry inflates past its declared size, 'bad-crc' for an entry whose bytes do not match
 *   its CRC-32, 'bad-zip' for a broken compressed stream, 'empty-input' for an archive with no usable file
 */
export function unzipArchive(zip: InputFile, budget: UnpackBudget): UnzippedArchive {
  const entries = readZipDirectory(zip.data, zip.name, budget.limits.maxEntries);
  const used = entries.filter((e) => !e.isFolder && !isJunkPath(e.name));
  const folders = entries.filter((e) => e.isFolder && !isJunkPath(e.name)).map((e) => e.name.replace(/\/+$/, ''));
  if (used.length === 0 && folders.length === 0) {
    throw new PareError('empty-input', `${quoteName(zip.name)} holds no files (folders and hidden files aside).`, { file: zip.name });
  }
  // Every declared size is reserved up front, so a budget-breaking archive is refused before any inflation.
  for (const e of used) budget.reserve(e.size, e.name, zip.name);
  return { files: used.map((e) => ({ name: e.name, data: entryBytes(zip, e) })), folders };
}

function entryBytes(zip: InputFile, e: ZipEntry): Uint8Array {
  const where = `Entry ${quoteName(e.name)} in ${quoteName(zip.name)}`;
  const compressed = zip.data.subarray(e.dataStart, e.dataStart + e.compressedSize);
  let data: Uint8Array;
  if (e.method === 0) data = compressed;
  else {
    const outcome = inflateBounded(compressed, e.size);
    if (outcome.kind === 'over-limit') {
      throw new PareError(
        'zip-bomb',
        `${where} inflates past the ${bytesText(e.size)} it declares (stopped at ${bytesText(outcome.produced)}); ` +
          `an archive that lies about its sizes is refused.`,
        { file: zip.name },
      );
    }
    if (outcome.kind === 'broken') {
      throw new PareError('bad-zip', `${where} cannot be unpacked: ${outcome.reason}.`, { file: zip.name });
    }
    data = outcome.data;
  }
  const actual = crc32(data);
  if (actual !== e.crc) {
    throw new PareError(
      'bad-crc',
      `${where} is damaged: its bytes have CRC-32 ${hex(actual)}, the archive records ${hex(e.crc)}.`,
      { file: zip.name },
    );
  }
  return data;
}

const hex = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;
