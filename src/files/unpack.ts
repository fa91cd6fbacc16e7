/**
 * The one way in for dropped files: names normalised ('\\' -> '/', no leading './'), containers (zip, gzip)
 * unpacked once against one budget for the whole drop, nested ones up to a depth, and junk dropped. Model readers
 * (src/formats) and data readers (src/data) both consume the result.
 */
import { PareError } from '../errors';
import type { InputFile } from '../model/types';
import { gunzipFile, gunzippedName, isGzipFile } from './gunzip';
import { UnpackBudget, type UnpackLimits } from './limits';
import { basenameOf, dirnameOf, isJunkPath, joinPath, normalizePath } from './paths';
import { quoteName } from './quote';
import { isZipFile, unzipArchive } from './unzip';

export interface UnpackedDrop {
  /** Every usable file, by its '/'-separated path in the drop; archive entries sit in the archive's folder. */
  files: InputFile[];
  /** Every folder in the drop (without a trailing '/'), empty ones from archives included, sorted. */
  folders: string[];
  /**
   * What the drop is called: the common top folder of its files ('mymodel' for 'mymodel/model.json'), else the
   * name of the one archive dropped ('emotion' for 'emotion.zip'), else null.
   */
  name: string | null;
}

/**
 * @example
 *   const drop = unpackDrop([{ name: 'emotion.zip', data }]);
 *   drop.files.map((f) => f.name); // ['human-emotion/emotion.json', 'human-emotion/emotion.bin']
 *   drop.name; // 'human-emotion'
 * @throws PareError from the archive readers ('bad-zip', 'bad-zip-size', 'bad-crc', 'zip-bomb', 'zip-overlap',
 *   'too-large', 'unsafe-path'), 'zip-nesting' past `limits.maxDepth`, 'ambiguous-input' when two files end up
 *   with one name
 */
export function unpackDrop(input: readonly InputFile[], limits: Partial<UnpackLimits> = {}): UnpackedDrop {
  const budget = new UnpackBudget(limits);
  const byName = new Map<string, InputFile>();
  const folders = new Set<string>();
  const archives: string[] = [];

  const add = (name: string, data: Uint8Array, from: string[]) => {
    const previous = byName.get(name);
    if (previous) {
      const source = from.length ? ` (from ${quoteName(from[from.length - 1])})` : '';
      throw new PareError('ambiguous-input', `Two files in the drop are named ${quoteName(name)}${source}; expected each path once.`, { file: name });
    }
    byName.set(name, { name, data });
  };

  const visit = (file: InputFile, chain: string[]) => {
    const name = normalizePath(file.name);
    if (name === '' || isJunkPath(name)) return;
    // A folder given as a name ending in '/' with no bytes (as zip tools list them): kept, to report it if empty.
    if (/[\\/]$/.test(file.name) && file.data.length === 0) return void folders.add(name);
    const zip = isZipFile({ name, data: file.data });
    const gz = !zip && isGzipFile({ name, data: file.data });
    if (!zip && !gz) return add(name, file.data, chain);
    if (chain.length + 1 > budget.limits.maxDepth) {
      // A file only sniffed as a zip (a shard that happens to start 'PK\3\4') is kept; a named archive is refused.
      if (zip && !/\.zip$/i.test(name)) return add(name, file.data, chain);
      throw tooDeep([...chain, name], budget.limits.maxDepth);
    }
    if (chain.length === 0) archives.push(name);
    if (gz) return visit({ name: gunzippedName(name), data: gunzipFile({ name, data: file.data }, budget) }, [...chain, name]);
    let unzipped;
    try {
      unzipped = unzipArchive({ name, data: file.data }, budget);
    } catch (e) {
      // Only the signature said zip: a file named otherwise that is no readable zip is taken as it is.
      if (e instanceof PareError && e.code === 'bad-zip' && !/\.zip$/i.test(name)) return add(name, file.data, chain);
      throw e;
    }
    const dir = dirnameOf(name);
    for (const folder of unzipped.folders) folders.add(joinPath(dir, folder));
    for (const entry of unzipped.files) visit({ name: joinPath(dir, entry.name), data: entry.data }, [...chain, name]);
  };

  for (const file of input) visit(file, []);
  const files = [...byName.values()];
  for (const f of files) {
    for (let d = dirnameOf(f.name); d !== ''; d = dirnameOf(d)) folders.add(d);
  }
  for (const d of [...folders]) if (d === '' || isJunkPath(d)) folders.delete(d);
  return { files, folders: [...folders].sort(), name: dropName(files, archives) };
}

function dropName(files: InputFile[], archives: string[]): string | null {
  const tops = new Set(files.map((f) => (f.name.includes('/') ? f.name.slice(0, f.name.indexOf('/')) : null)));
  const [top] = tops;
  if (tops.size === 1 && top) return top;
  if (archives.length === 1) return basenameOf(archives[0]).replace(/\.(zip|gz)$/i, '') || null;
  return null;
}

function tooDeep(chain: string[], maxDepth: number): PareError {
  return new PareError(
    'zip-nesting',
    `${quoteName(chain[chain.length - 1])} is an archive nested ${chain.length} deep (${[...chain].reverse().map(quoteName).join(' in ')}); ` +
      `Pare unpacks archives at most ${maxDepth} deep.`,
    { file: chain[0] },
  );
}
