/**
 * The rule for class names the user types in the studio: one per output, none empty, no two alike. The page
 * checks it while the user edits and the worker checks it again, so both say the same thing. No imports: the
 * page pulls this file into its bundle.
 */

/** Classes a model with `outputWidth` outputs tells apart: a single sigmoid output stands for two. */
export function classCountFor(outputWidth: number | null | undefined): number | undefined {
  if (outputWidth === null || outputWidth === undefined || !(outputWidth > 0)) return undefined;
  return outputWidth === 1 ? 2 : outputWidth;
}

/**
 * What is wrong with `names` as the class names of a model with `outputWidth` outputs, in one sentence, or null
 * when they can be used. Names are taken as given (trim them first).
 *
 * @param outputWidth the model's output width, or undefined when unknown (the count is then not checked)
 * @example
 *   classNamesProblem(['a', 'b'], 3) // "3 names needed (the model has 3 outputs); found 2."
 */
export function classNamesProblem(names: string[], outputWidth: number | null | undefined): string | null {
  const needed = classCountFor(outputWidth);
  if (needed !== undefined && names.length !== needed) {
    const has = outputWidth === 1 ? '1 output, for 2 classes' : `${outputWidth} outputs`;
    return `${needed} names needed (the model has ${has}); found ${names.length}.`;
  }
  if (names.length === 0) return 'At least one class name is needed; found none.';
  const empty = names.findIndex((n) => n.trim() === '');
  if (empty >= 0) return `Class ${empty} has an empty name; every class needs one.`;
  const seen = new Map<string, number>();
  for (let i = 0; i < names.length; i++) {
    const first = seen.get(names[i]);
    if (first !== undefined) return `'${names[i]}' names both class ${first} and class ${i}; names must be unique.`;
    seen.set(names[i], i);
  }
  return null;
}

/** The names in a textarea, one per line: lines trimmed, blank lines at the end dropped (a trailing newline). */
export function classNamesFromText(text: string): string[] {
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}
