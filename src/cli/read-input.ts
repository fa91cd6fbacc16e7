/**
 * Turns a path on disk into the InputFile[] a drop would give, so the CLI opens models exactly as the studio
 * does: a model JSON file (with the shards its manifest names, and metadata.json beside it), a folder (every file,
 * named 'folder/...'), or a .zip.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import { PareError } from '../errors';
import type { InputFile } from '../model/types';
import { isJunkPath, normalizePath } from '../files/paths';
import { quoteName } from '../files/quote';

/**
 * @example
 *   const files = await readInput('.fixtures/real/nsfwjs-mobilenet-v2');
 *   files.map((f) => f.name); // ['nsfwjs-mobilenet-v2/group1-shard1of1', 'nsfwjs-mobilenet-v2/model.json']
 */
export async function readInput(path: string): Promise<InputFile[]> {
  const info = await stat(path).catch(() => null);
  if (!info) throw new PareError('bad-options', `There is no file or folder at '${path}'.`, { file: path });
  if (info.isDirectory()) return readFolder(path);
  const data = new Uint8Array(await readFile(path));
  const name = basename(path);
  if (!name.toLowerCase().endsWith('.json')) return [{ name, data }];
  return [{ name, data }, ...(await readSiblings(dirname(path), data))];
}

/** Every file under a folder, named as a browser names a dropped folder's files; junk folders are not entered. */
async function readFolder(root: string): Promise<InputFile[]> {
  // A leading dot would make every name look like a hidden file to the readers ('.cache/model.json').
  const top = basename(root.replace(/[\\/]+$/, '')).replace(/^\.+/, '') || 'input';
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const files: InputFile[] = [];
  const junk: string[] = [];
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath ?? (entry as unknown as { path: string }).path, entry.name);
    const name = normalizePath(`${top}/${relative(root, full).split(sep).join('/')}`);
    if (isJunkPath(name)) junk.push(name);
    else files.push({ name, data: new Uint8Array(await readFile(full)) });
  }
  if (files.length === 0) {
    // Said here, naming the folder: an empty list would read "Nothing was dropped" further on.
    const shown = junk.slice(0, 3).map(quoteName).join(', ') + (junk.length > 3 ? ', …' : '');
    const what = junk.length ? `holds only hidden or system files (${shown})` : 'holds no files';
    throw new PareError('empty-input', `The folder ${quoteName(root)} ${what}; expected a model's or a data set's files.`, { file: root });
  }
  return files.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * The shards a model JSON's manifest names, and a Teachable Machine metadata.json, read from beside it. Only
 * files that exist are returned: a missing shard is for openModel to report, with the same message as the page.
 */
async function readSiblings(dir: string, jsonBytes: Uint8Array): Promise<InputFile[]> {
  let paths: string[] = [];
  try {
    const json = JSON.parse(new TextDecoder().decode(jsonBytes)) as { weightsManifest?: { paths?: unknown }[] };
    paths = (json.weightsManifest ?? []).flatMap((g) => (Array.isArray(g?.paths) ? g.paths.filter((p) => typeof p === 'string') : []));
  } catch {
    return []; // not JSON: openModel says so
  }
  const out: InputFile[] = [];
  for (const path of [...new Set([...paths, 'metadata.json'])]) {
    for (const candidate of [path, safeDecode(path)]) {
      const data = await readFile(join(dir, candidate)).catch(() => null);
      if (data) {
        out.push({ name: normalizePath(candidate), data: new Uint8Array(data) });
        break;
      }
    }
  }
  return out;
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
