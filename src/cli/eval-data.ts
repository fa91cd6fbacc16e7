/**
 * The command-line side of `pare eval --data`: `--data` takes every path up to the next option (an IDX images
 * file and its labels file are two paths), and each path becomes the InputFile[] a drop would give.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { PareError } from '../errors';
import type { InputFile } from '../model/types';
import { readInput } from './read-input';

const DATA_KINDS = 'an image folder, a zip, a CSV, or an IDX images file and its labels file';

/**
 * Takes `--data a b ...` (and `--data=a`) out of the arguments, since node's parseArgs gives an option one value.
 * Paths after --data run until the next argument starting with '-'.
 *
 * @returns the remaining arguments, and the data paths (null when --data was not given)
 * @throws PareError('bad-options') for --data with no path after it
 * @example
 *   splitDataPaths(['m.json', '--data', 'img.gz', 'lab.gz', '--json'])
 *   // { rest: ['m.json', '--json'], data: ['img.gz', 'lab.gz'] }
 */
export function splitDataPaths(args: string[], flag = '--data'): { rest: string[]; data: string[] | null } {
  const rest: string[] = [];
  let data: string[] | null = null;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') {
      rest.push(...args.slice(i));
      break;
    }
    if (a.startsWith(`${flag}=`)) {
      data ??= [];
      data.push(a.slice(flag.length + 1));
      continue;
    }
    if (a !== flag) {
      rest.push(a);
      continue;
    }
    data ??= [];
    let taken = 0;
    while (i + 1 < args.length && !args[i + 1].startsWith('-')) {
      data.push(args[++i]);
      taken++;
    }
    if (taken === 0) {
      throw new PareError('bad-options', `${flag} needs at least one path after it: ${DATA_KINDS}.`);
    }
  }
  if (data && data.some((p) => p === '')) throw new PareError('bad-options', `${flag} was given an empty path; expected ${DATA_KINDS}.`);
  return { rest, data };
}

/**
 * Reads data paths as dropped files: a folder gives every file in it ('folder/class/x.png'), a file gives itself
 * under its own name.
 *
 * @throws PareError('bad-options') naming a path that does not exist
 */
export async function readDataPaths(paths: string[]): Promise<InputFile[]> {
  const files: InputFile[] = [];
  for (const path of paths) {
    const info = await stat(path).catch(() => null);
    if (!info) throw new PareError('bad-options', `--data: there is no file or folder at '${path}'; expected ${DATA_KINDS}.`, { file: path });
    if (info.isDirectory()) files.push(...(await readInput(path)));
    else files.push({ name: basename(path), data: new Uint8Array(await readFile(path)) });
  }
  if (files.length === 0) {
    throw new PareError('bad-data', `--data ${paths.map((p) => `'${p}'`).join(' ')} holds no files; expected ${DATA_KINDS}.`);
  }
  return files;
}

/** Reads a --labels file (one class name per line, or JSON). */
export async function readLabelsPath(path: string): Promise<InputFile> {
  const data = await readFile(path).catch(() => null);
  if (!data) throw new PareError('bad-options', `--labels: there is no file at '${path}'; expected a labels file, one class name per line.`, { file: path });
  return { name: basename(path), data: new Uint8Array(data) };
}
