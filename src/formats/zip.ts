/**
 * A .zip of a model (model.json + shards, a folder, a Teachable Machine export): unpacked with fflate, junk
 * entries (__MACOSX/, dot-files, folders) left out, and the contents opened through the same registry.
 */
import { unzipSync } from 'fflate';
import { PareError } from '../errors';
import type { InputFile } from '../model/types';
import { dirnameOf, isJunkPath, joinPath } from './paths';
import type { FormatReader } from './types';

/** A zip by name or by its local-file / empty-archive signature ('PK\x03\x04', 'PK\x05\x06'). */
export function isZipFile(file: InputFile): boolean {
  if (file.name.toLowerCase().endsWith('.zip')) return true;
  const d = file.data;
  return d.length >= 4 && d[0] === 0x50 && d[1] === 0x4b && ((d[2] === 3 && d[3] === 4) || (d[2] === 5 && d[3] === 6));
}

/**
 * Unpacks one zip into files named relative to the zip's own folder. Throws 'bad-zip' naming the zip when it
 * cannot be read, and 'empty-input' when it holds no usable file.
 */
export function unzipInput(zip: InputFile): InputFile[] {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(zip.data, { filter: (entry) => !entry.name.endsWith('/') && !isJunkPath(entry.name) });
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new PareError('bad-zip', `'${zip.name}' is not a readable zip archive (${reason}); expected a .zip of a TF.js model.`, {
      file: zip.name,
    });
  }
  const dir = dirnameOf(zip.name);
  const files = Object.entries(entries).map(([name, data]) => ({ name: joinPath(dir, name), data }));
  if (files.length === 0) {
    throw new PareError('empty-input', `'${zip.name}' holds no files (folders and hidden files aside); expected a TF.js model.`, {
      file: zip.name,
    });
  }
  return files;
}

export const zipReader: FormatReader = {
  id: 'zip',
  // Only when no model JSON sits beside the zip: a zip next to model.json is an unrelated file.
  match: (ctx) => ctx.files.some(isZipFile) && !ctx.files.some((f) => !isZipFile(f) && f.name.toLowerCase().endsWith('.json')),
  open: async (ctx) => {
    const files = ctx.files.flatMap((f) => (isZipFile(f) ? unzipInput(f) : [f]));
    return ctx.openNested(files);
  },
};
