/**
 * Which output index each class name stands for. The model's own labels win (its metadata), then a labels file
 * the user gave, then the sorted names found in the data (folder names, CSV labels). Names found in the data are
 * matched to the classes exactly, then loosely (case and punctuation ignored, so a folder 'T-shirt_top' finds
 * the label 'T-shirt/top', which no folder can be named), then as integer indices.
 */
import { PareError } from '../errors';
import type { InputFile } from '../model/types';
import { joinAnd } from './dataset';

export interface ClassOrder {
  /** Class names in output order. */
  classNames: string[];
  source: 'model' | 'labels-file' | 'data';
  /** Each found name -> its class index, or -1 when it is not among the classes. */
  indexOf: Map<string, number>;
  /** Found names that are not among the classes. */
  unknown: string[];
  /** How found names were matched when not exactly (for the UI), e.g. "folder names matched loosely". */
  note?: string;
}

/** Lower case, letters and digits only. */
function loose(name: string): string {
  return name.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
}

/** The natural sort people expect for folder names: '2' before '10'. */
export function naturalSort(names: string[]): string[] {
  return [...names].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

/**
 * Reads a labels file: one class name per line (labels.txt), a JSON array of names, or a JSON object with a
 * `labels` array (a Teachable Machine metadata.json, Pare's metadata).
 *
 * @throws PareError('bad-data') when it holds no names or the JSON is not one of those shapes
 */
export function parseLabelsFile(file: InputFile): string[] {
  const text = new TextDecoder().decode(file.data).replace(/^\uFEFF/, '');
  const trimmed = text.trim();
  let names: unknown;
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
    try {
      const json: unknown = JSON.parse(trimmed);
      names = Array.isArray(json) ? json : (json as { labels?: unknown }).labels;
    } catch (e) {
      throw new PareError(
        'bad-json',
        `Labels file '${file.name}' looks like JSON but does not parse (${(e as Error).message}).`,
        { file: file.name },
      );
    }
    if (!Array.isArray(names) || !names.every((n) => typeof n === 'string')) {
      throw new PareError(
        'bad-data',
        `Labels file '${file.name}' is JSON without a list of class names; expected ["cat", "dog", ...] or ` +
          `{"labels": [...]}.`,
        { file: file.name },
      );
    }
  } else {
    names = trimmed.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
  }
  const list = names as string[];
  if (list.length === 0) {
    throw new PareError('bad-data', `Labels file '${file.name}' holds no class names.`, { file: file.name });
  }
  return list;
}

function matchNames(found: string[], classes: string[]): { indexOf: Map<string, number>; note?: string } {
  const indexOf = new Map<string, number>();
  const exact = new Map(classes.map((c, i) => [c, i]));
  const looseIndex = new Map<string, number>();
  const looseCount = new Map<string, number>();
  classes.forEach((c, i) => {
    looseIndex.set(loose(c), i);
    looseCount.set(loose(c), (looseCount.get(loose(c)) ?? 0) + 1);
  });
  let loosely = 0;
  for (const name of found) {
    const e = exact.get(name);
    if (e !== undefined) {
      indexOf.set(name, e);
      continue;
    }
    const l = loose(name);
    if (l && looseCount.get(l) === 1) {
      indexOf.set(name, looseIndex.get(l)!);
      loosely++;
    } else {
      indexOf.set(name, -1);
    }
  }
  const matched = [...indexOf.values()].filter((i) => i >= 0).length;
  // Names like '0'..'9' against named classes: take them as output indices, but only if nothing matched by name.
  if (matched === 0 && found.length > 0 && found.every((n) => /^\d+$/.test(n) && Number(n) < classes.length)) {
    for (const n of found) indexOf.set(n, Number(n));
    return { indexOf, note: 'names were read as output indices' };
  }
  return { indexOf, note: loosely > 0 ? `${loosely} name(s) matched ignoring case and punctuation` : undefined };
}

/**
 * Settles the class order for names found in the data.
 *
 * @param found names found in the data (folder names, CSV label values), in any order
 * @param given the model's labels (metadata) and/or a labels file's names
 * @example
 *   resolveClassOrder(['dog', 'cat'], {}).classNames // ['cat', 'dog'] (sorted folder names)
 */
export function resolveClassOrder(
  found: string[],
  given: { modelLabels?: string[]; labelsFile?: string[] } = {},
): ClassOrder {
  const unique = [...new Set(found)];
  const [classes, source] = given.modelLabels?.length
    ? [given.modelLabels, 'model' as const]
    : given.labelsFile?.length
      ? [given.labelsFile, 'labels-file' as const]
      : [naturalSort(unique), 'data' as const];
  const { indexOf, note } = matchNames(unique, classes);
  const unknown = unique.filter((n) => indexOf.get(n) === -1);
  return { classNames: [...classes], source, indexOf, unknown, note };
}

/** "'cats' and 'birds' are not among the model's 10 classes (T-shirt/top, Trouser, ...)". */
export function unknownNamesText(order: ClassOrder, what: string): string {
  const shown = order.classNames.slice(0, 6).join(', ') + (order.classNames.length > 6 ? ', ...' : '');
  const owner = order.source === 'model' ? "the model's" : order.source === 'labels-file' ? "the labels file's" : 'the';
  const names = joinAnd(order.unknown.slice(0, 5).map((n) => `'${n}'`)) +
    (order.unknown.length > 5 ? ` and ${order.unknown.length - 5} more` : '');
  return `${what} ${names} ${order.unknown.length === 1 ? 'is' : 'are'} not among ${owner} ` +
    `${order.classNames.length} classes (${shown})`;
}
