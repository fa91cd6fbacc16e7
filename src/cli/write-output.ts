/**
 * Where the CLI writes: only under --out, never over what it read. An --out that is the input's folder, lies
 * inside it, or reaches it through a link is refused before any work; files are written under temporary names
 * and renamed only once every one of them is complete, so an interrupted export (a full disk, Ctrl-C, a crash)
 * leaves no half-written file under a final name and never replaces a good one with a broken one.
 */
import { mkdir, realpath, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { PareError } from '../errors';
import { quoteName } from '../files/quote';

/** The folder an input path stands for: itself, or the folder of a model JSON (its shards are read from there). */
async function inputRegion(input: string): Promise<{ path: string; folder: boolean } | null> {
  const info = await stat(input).catch(() => null);
  if (!info) return null;
  if (info.isDirectory()) return { path: await realpath(input), folder: true };
  if (/\.json$/i.test(input)) return { path: await realpath(dirname(input)), folder: true };
  return { path: await realpath(input), folder: false };
}

/** `out` resolved through whatever part of it exists already (links included). */
async function resolvedOut(out: string): Promise<string> {
  let existing = resolve(out);
  const rest: string[] = [];
  for (;;) {
    const real = await realpath(existing).catch(() => null);
    if (real) return join(real, ...rest.reverse());
    const parent = dirname(existing);
    if (parent === existing) return resolve(out);
    rest.push(existing.slice(parent.length + 1));
    existing = parent;
  }
}

/**
 * @throws PareError('bad-options') naming --out and the input it overlaps
 * @example
 *   await checkOutOverlap(['models/mlp/model.json', 'data/'], 'out/mlp');
 */
export async function checkOutOverlap(inputs: readonly string[], out: string): Promise<void> {
  const target = await resolvedOut(out);
  for (const input of inputs) {
    const region = await inputRegion(input);
    if (!region) continue;
    const inside = region.folder && (target === region.path || target.startsWith(region.path + sep));
    if (inside || target === region.path) {
      const where = target === region.path ? 'is' : `lies inside (${quoteName(relative(region.path, target))})`;
      throw new PareError(
        'bad-options',
        `--out ${quoteName(out)} ${where} the folder of the input ${quoteName(input)}; write to a folder outside it, so the originals stay as they are.`,
        { file: input },
      );
    }
  }
}

export interface OutputFile {
  name: string;
  data: Uint8Array | string;
}

/**
 * Writes every file under `out` (created if missing) atomically as a set: all under temporary names first,
 * then renamed. On failure the temporary files are removed and the error is passed on.
 * @param write the file writer, replaceable to test an interruption
 */
export async function writeOutputFiles(
  out: string,
  files: readonly OutputFile[],
  write: (path: string, data: Uint8Array | string) => Promise<void> = writeFile,
): Promise<void> {
  await mkdir(out, { recursive: true });
  const partial = (name: string) => join(out, `.${name}.pare-partial-${process.pid}`);
  const written: string[] = [];
  try {
    for (const f of files) {
      written.push(partial(f.name));
      await write(partial(f.name), f.data);
    }
    for (const f of files) await rename(partial(f.name), join(out, f.name));
  } catch (e) {
    await Promise.all(written.map((p) => unlink(p).catch(() => {})));
    throw e;
  }
}
