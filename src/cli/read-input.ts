/**
 * Turns a path on disk into the InputFile[] a drop would give, so the CLI opens models exactly as the studio
 * does: a model JSON file (with the shards its manifest names, and metadata.json beside it), a folder (every file,
 * named 'folder/...'), or a .zip.
 */
import { open, readFile, readdir, realpath, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import { PareError, bytesText } from '../errors';
import type { InputFile } from '../model/types';
import { isJunkPath, normalizePath } from '../files/paths';
import { quoteName } from '../files/quote';
import { shardPathEscape } from '../files/shard-path';
import { setDefaultLimits, type UnpackLimits } from '../files/limits';

/**
 * @example
 *   const files = await readInput('.fixtures/real/nsfwjs-mobilenet-v2');
 *   files.map((f) => f.name); // ['nsfwjs-mobilenet-v2/group1-shard1of1', 'nsfwjs-mobilenet-v2/model.json']
 */
export async function readInput(path: string): Promise<InputFile[]> {
  applyEnvLimits(process.env);
  const info = await stat(path).catch(() => null);
  if (!info) throw new PareError('bad-options', `There is no file or folder at ${quoteName(path)}.`, { file: path });
  if (info.isDirectory()) return readFolder(path);
  if (!info.isFile()) {
    throw new PareError('not-a-file', `${quoteName(path)} is ${kindOf(info)}, not a regular file; expected a model file, a folder or a .zip.`, { file: path });
  }
  const data = await readBounded(path, info.size);
  const name = basename(path);
  if (!name.toLowerCase().endsWith('.json')) return [{ name, data }];
  return [{ name, data }, ...(await readSiblings(dirname(path), name, data))];
}

/**
 * Every file under a folder, named as a browser names a dropped folder's files; junk folders are not entered. The
 * shards a model JSON in it names are read back to back into one buffer, in manifest order (see readJoined).
 */
async function readFolder(root: string): Promise<InputFile[]> {
  // A leading dot would make every name look like a hidden file to the readers ('.cache/model.json').
  const top = basename(root.replace(/[\\/]+$/, '')).replace(/^\.+/, '') || 'input';
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const found = new Map<string, string>(); // name -> full path
  const junk: string[] = [];
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath ?? (entry as unknown as { path: string }).path, entry.name);
    const name = normalizePath(`${top}/${relative(root, full).split(sep).join('/')}`);
    if (isJunkPath(name)) junk.push(name);
    else found.set(name, full);
  }
  if (found.size === 0) {
    // Said here, naming the folder: an empty list would read "Nothing was dropped" further on.
    const shown = junk.slice(0, 3).map(quoteName).join(', ') + (junk.length > 3 ? ', …' : '');
    const what = junk.length ? `holds only hidden or system files (${shown})` : 'holds no files';
    throw new PareError('empty-input', `The folder ${quoteName(root)} ${what}; expected a model's or a data set's files.`, { file: root });
  }
  const files: InputFile[] = [];
  for (const [name, full] of found) {
    if (!/\.json$/i.test(name)) continue;
    const data = new Uint8Array(await readFile(full));
    files.push({ name, data });
    // The shards this manifest names, in its order, as they are found in the folder (the readers match them).
    const dir = name.slice(0, name.lastIndexOf('/') + 1);
    if (data.byteLength > MANIFEST_PARSE_BYTES) continue; // a data file, not a model's JSON: not parsed here
    const shards = manifestPaths(data).flatMap((p) => [normalizePath(dir + p), normalizePath(dir + safeDecode(p))]);
    const ordered = [...new Set(shards)].filter((n) => found.has(n) && !/\.json$/i.test(n));
    const joined = await readJoined(ordered.map((n) => found.get(n)!));
    ordered.forEach((n, i) => files.push({ name: n, data: joined[i]! }));
    ordered.forEach((n) => found.delete(n));
  }
  for (const [name, full] of found) if (!/\.json$/i.test(name)) files.push({ name, data: new Uint8Array(await readFile(full)) });
  return files.sort((a, b) => a.name.localeCompare(b.name));
}

/** Model JSONs are a few MB at most (topology and manifest); larger JSON files in a folder are not parsed to order reads. */
const MANIFEST_PARSE_BYTES = 64 * 1024 * 1024;

/** The shard paths of a model JSON's manifest, in order; none when it is no JSON or has no manifest. */
function manifestPaths(jsonBytes: Uint8Array): string[] {
  return manifestOf(jsonBytes).flatMap((g) => (Array.isArray(g.paths) ? g.paths.filter((p): p is string => typeof p === 'string') : []));
}

function manifestOf(jsonBytes: Uint8Array): { paths?: unknown; weights?: unknown }[] {
  try {
    const json = JSON.parse(new TextDecoder().decode(jsonBytes)) as { weightsManifest?: unknown };
    return Array.isArray(json?.weightsManifest) ? json.weightsManifest.filter((g) => typeof g === 'object' && g !== null) : [];
  } catch {
    return []; // not JSON: openModel says so
  }
}

/**
 * Files read back to back into one buffer, returned as views of it in the order given. The reader joins a model's
 * shards into one buffer anyway; when they already lie in it in manifest order it takes that buffer as it is
 * (formats/shards.ts), so a large model is not held twice (the files as read, and their join) while it opens.
 */
async function readJoined(paths: readonly string[]): Promise<Uint8Array[]> {
  const sizes = await Promise.all(paths.map(async (p) => (await stat(p)).size));
  const all = new Uint8Array(sizes.reduce((a, b) => a + b, 0));
  const out: Uint8Array[] = [];
  let at = 0;
  for (let i = 0; i < paths.length; i++) {
    out.push(await readBounded(paths[i]!, sizes[i]!, all.subarray(at, at + sizes[i]!)));
    at += sizes[i]!;
  }
  return out;
}

/**
 * The shards a model JSON's manifest names, and a Teachable Machine metadata.json, read from beside it. Only
 * regular files inside the model's folder are read, each bounded by what the whole manifest needs, so a shard
 * path naming '../', a device, a FIFO or a folder is refused by name and nothing blocks or reads without end.
 * A missing shard, or a path leaving the folder, is for openModel to report, with the same message as the page.
 */
async function readSiblings(dir: string, jsonName: string, jsonBytes: Uint8Array): Promise<InputFile[]> {
  const manifest = manifestOf(jsonBytes);
  const paths = manifestPaths(jsonBytes);
  const need = manifestBytes(manifest);
  const root = await realpath(dir);
  const shards: { name: string; full: string }[] = [];
  const out: InputFile[] = [];
  for (const path of [...new Set([...paths, 'metadata.json'])]) {
    if (shardPathEscape(path) !== null) continue;
    for (const candidate of [path, safeDecode(path)]) {
      const full = await checkShardFile(root, candidate, path === 'metadata.json' ? METADATA_BYTES : need, jsonName);
      if (full) {
        if (path === 'metadata.json') out.push({ name: normalizePath(candidate), data: new Uint8Array(await readFile(full)) });
        else shards.push({ name: normalizePath(candidate), full });
        break;
      }
    }
  }
  const joined = await readJoined(shards.map((f) => f.full));
  return [...shards.map((f, i) => ({ name: f.name, data: joined[i]! })), ...out];
}

/** metadata.json holds labels and a few names; anything past this is not one. */
const METADATA_BYTES = 16 * 1024 * 1024;

/** The full path of one shard, or null when there is no such file; refuses what is not a regular file in the folder. */
async function checkShardFile(root: string, path: string, maxBytes: number, jsonName: string): Promise<string | null> {
  const full = join(root, path);
  const info = await stat(full).catch(() => null);
  if (!info) return null;
  const shown = `Shard ${quoteName(path)} named in ${quoteName(jsonName)}`;
  // A link inside the folder may point anywhere; what it resolves to must be inside too.
  const real = await realpath(full);
  if (real !== root && !real.startsWith(root + sep)) {
    throw new PareError('unsafe-path', `${shown} leaves the model's folder (it is a link to ${quoteName(real)}); Pare reads shards only from the folder of the model file.`, { file: path });
  }
  if (!info.isFile()) {
    throw new PareError('not-a-file', `${shown} is ${kindOf(info)}, not a regular file; expected the shard's bytes.`, { file: path });
  }
  if (info.size > maxBytes) {
    throw new PareError(
      'shard-length',
      `${shown} is ${bytesText(info.size)}; the whole manifest needs only ${maxBytes.toLocaleString('en-US')}, so it was not read.`,
      { file: path },
    );
  }
  return full;
}

/**
 * Reads at most `size` bytes (into `into` when given, which holds exactly `size`): a file that grows while it is
 * read cannot make this read without end.
 */
async function readBounded(path: string, size: number, into?: Uint8Array): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const data = into ?? new Uint8Array(size);
    let at = 0;
    while (at < size) {
      const { bytesRead } = await handle.read(data, at, size - at, at);
      if (bytesRead === 0) break;
      at += bytesRead;
    }
    return at === size ? data : data.subarray(0, at);
  } finally {
    await handle.close();
  }
}

function kindOf(info: Stats): string {
  if (info.isDirectory()) return 'a folder';
  if (info.isFIFO()) return 'a named pipe (FIFO)';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  if (info.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** Bytes every weight of the manifest takes as stored, the most any one shard can hold (unknown dtypes: 4). */
function manifestBytes(manifest: { weights?: unknown }[]): number {
  const perValue: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };
  let total = 0;
  for (const group of manifest) {
    for (const w of Array.isArray(group.weights) ? group.weights : []) {
      const spec = w as { shape?: unknown; dtype?: unknown; quantization?: { dtype?: unknown } };
      const shape = Array.isArray(spec?.shape) ? spec.shape : [];
      const count = shape.reduce((n: number, d) => n * (typeof d === 'number' && d > 0 ? d : 0), 1);
      const dtype = String(spec?.quantization?.dtype ?? spec?.dtype);
      total += count * (perValue[dtype] ?? 4);
    }
  }
  return Number.isFinite(total) ? total : Number.MAX_SAFE_INTEGER;
}
function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** Environment variables that set the CLI's budgets, and the limit each one sets. */
const ENV_LIMITS: Record<string, keyof UnpackLimits> = {
  PARE_MAX_MODEL_BYTES: 'maxModelBytes',
  PARE_MAX_UNPACK_BYTES: 'maxBytes',
};

/**
 * The CLI's budgets from its environment: PARE_MAX_MODEL_BYTES (what an opened model may take in memory) and
 * PARE_MAX_UNPACK_BYTES (what archives may inflate to), as bytes or with a K, M or G suffix (powers of 1024).
 * @throws PareError('bad-options') naming the variable and its value when it is no size
 */
export function applyEnvLimits(env: Record<string, string | undefined>): void {
  const limits: Partial<UnpackLimits> = {};
  for (const [variable, key] of Object.entries(ENV_LIMITS)) {
    const value = env[variable];
    if (value === undefined || value === '') continue;
    const m = /^\s*(\d+(?:\.\d+)?)\s*([kmg]?)i?b?\s*$/i.exec(value);
    const bytes = m ? Math.floor(Number(m[1]) * 1024 ** ' kmg'.indexOf((m[2] || ' ').toLowerCase())) : NaN;
    if (!Number.isSafeInteger(bytes) || bytes <= 0) {
      throw new PareError('bad-options', `${variable} must be a size in bytes, or with K, M or G (such as 512M or 4G); found ${quoteName(value)}.`);
    }
    limits[key] = bytes;
  }
  setDefaultLimits(limits);
}
