/**
 * Path helpers for dropped file sets. Names are '/'-separated paths relative to the drop ('mymodel/model.json');
 * Windows separators and leading './' are folded away so lookups compare like with like.
 */

/** Normalises a relative path: '\\' -> '/', drops '.', resolves '..', strips leading '/'. */
export function normalizePath(path: string): string {
  const out: string[] = [];
  for (const part of path.replace(/\\/g, '/').split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return out.join('/');
}

/** The folder part of a path ('' for a top-level file). */
export function dirnameOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

/** The last part of a path. */
export function basenameOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Resolves `relative` against folder `dir`, both in drop coordinates. */
export function joinPath(dir: string, relative: string): string {
  return normalizePath(dir === '' ? relative : `${dir}/${relative}`);
}

/**
 * Files the operating system adds that are never part of a model or a data set: macOS resource forks
 * (__MACOSX/, ._x), dot-files and dot-folders (.DS_Store, .git/...), and Windows' Thumbs.db / desktop.ini.
 */
export function isJunkPath(path: string): boolean {
  return path.split('/').some((part) => part.startsWith('.') || part === '__MACOSX' || /^(thumbs\.db|desktop\.ini)$/i.test(part));
}
