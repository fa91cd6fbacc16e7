/**
 * JSON.parse copes with any nesting, but what walks the result afterwards does not: the stock loader and Pare's
 * own walkers recurse into nested models, and JSON.stringify (export, the worker's structured clone) overflows
 * the stack a few thousand levels down. Model files are bounded here, once, right after parsing, by a walk that
 * does not recurse itself. Real models nest about 15 levels; the bound leaves room for any honest file.
 */
import { PareError } from '../errors';
import { quoteName } from '../files/quote';

/** Levels of objects and arrays a model file may nest (JSON.stringify manages about 4,000 in Node and Chrome). */
export const MAX_JSON_DEPTH = 512;

/**
 * @throws PareError('too-deep') naming the file, where the nesting goes and how deep it is
 * @example
 *   checkJsonDepth(JSON.parse(text), 'model.json');
 */
export function checkJsonDepth(value: unknown, file: string, max = MAX_JSON_DEPTH): void {
  const stack: { value: unknown; depth: number; path: string }[] = [{ value, depth: 0, path: '' }];
  while (stack.length > 0) {
    const { value: v, depth, path } = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= max) {
      const deepest = depthBelow(v, depth);
      throw new PareError(
        'too-deep',
        `${quoteName(file)} nests objects and arrays ${deepest.toLocaleString('en-US')} levels deep (at ${path || 'the top level'}…); ` +
          `Pare reads model files nested at most ${max} levels deep.`,
        { file },
      );
    }
    // The path is kept for the first few levels only: enough to say where, without a 100 KB message.
    const step = (key: string) => (depth < 6 ? `${path}${key}` : path);
    if (Array.isArray(v)) v.forEach((item, i) => stack.push({ value: item, depth: depth + 1, path: step(`[${i}]`) }));
    else for (const [k, item] of Object.entries(v)) stack.push({ value: item, depth: depth + 1, path: step(path ? `.${shortKey(k)}` : shortKey(k)) });
  }
}

/** How deep the nesting under `value` really goes (iteratively), for the message. */
function depthBelow(value: unknown, start: number): number {
  let deepest = start;
  const stack: [unknown, number][] = [[value, start]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    deepest = Math.max(deepest, d + 1);
    for (const item of Object.values(v)) stack.push([item, d + 1]);
  }
  return deepest;
}

function shortKey(key: string): string {
  const safe = quoteName(key).slice(1, -1);
  return safe.length > 40 ? `${safe.slice(0, 40)}…` : safe;
}
