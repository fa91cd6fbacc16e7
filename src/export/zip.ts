/**
 * The export as one .zip. Deterministic: fixed entry order (as given), fixed timestamp, fixed compression level,
 * so the same files always give the same zip bytes.
 */
import { zipSync, type Zippable } from 'fflate';
import { PareError } from '../errors';
import type { ExportFile } from './types';

/**
 * 1980-01-01 00:00 in local time, the earliest DOS date. Zip stores local wall-clock fields and fflate reads them
 * with local getters, so a date built from local fields gives the same bytes in every time zone.
 */
const FIXED_MTIME = new Date(1980, 0, 1, 0, 0, 0, 0);

/** Zips `files` (flat names) into one archive, compressed with deflate level 9. */
export function zipExport(files: readonly ExportFile[]): Uint8Array {
  const entries: Zippable = {};
  for (const f of files) {
    if (f.name in entries) {
      throw new PareError('bad-options', `Two export files are both named '${f.name}'; a zip needs unique names.`, {
        file: f.name,
      });
    }
    entries[f.name] = [f.data, { level: 9, mtime: FIXED_MTIME }];
  }
  return zipSync(entries, { level: 9, mtime: FIXED_MTIME });
}
