/**
 * Shard paths come from model.json, which is as untrusted as any dropped file: a path that climbs out of the
 * model's folder ('../', also written '%2e%2e%2f'), an absolute path or a URL would make the CLI read files the
 * user never gave. The page and the CLI both ask this module, so both refuse the same paths in the same words.
 */
import { PareError } from '../errors';
import { quoteName } from './quote';

/** Why a manifest path leaves the model's folder, or null when it stays inside. */
export function shardPathEscape(path: string): string | null {
  for (const form of new Set([path, fullyDecoded(path)])) {
    const why = escapeOf(form);
    if (why) return why;
  }
  return null;
}

/**
 * @throws PareError('unsafe-path') naming the path, the model JSON and how it leaves the model's folder
 * @example
 *   checkShardPath('../../etc/passwd', 'model.json'); // throws: "... climbs out of it with '..' ..."
 */
export function checkShardPath(path: string, modelJsonName: string): void {
  const why = shardPathEscape(path);
  if (why === null) return;
  throw new PareError(
    'unsafe-path',
    `Shard path ${quoteName(path)} in ${quoteName(modelJsonName)} leaves the model's folder (${why}); ` +
      `Pare reads shards only from the folder of the model file.`,
    { file: modelJsonName },
  );
}

function escapeOf(path: string): string | null {
  if (path.includes('\0')) return 'it has a NUL character';
  if (/^[a-z][a-z0-9+.-]+:/i.test(path)) return `it is a URL (${quoteName(path.slice(0, path.indexOf(':') + 1))})`;
  if (/^[a-z]:/i.test(path)) return 'it names a drive letter';
  if (/^[\\/]/.test(path)) return 'it is an absolute path';
  let depth = 0;
  for (const part of path.split(/[\\/]/)) {
    if (part === '..') depth--;
    else if (part !== '' && part !== '.') depth++;
    if (depth < 0) return "it climbs out with '..'";
  }
  return null;
}

/** Decodes %XX escapes until nothing changes (a few rounds at most), so '%252e%252e' is seen as '..'. */
function fullyDecoded(path: string): string {
  let current = path;
  for (let i = 0; i < 4; i++) {
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      return current;
    }
    if (next === current) return current;
    current = next;
  }
  return current;
}
