/**
 * Zod issues as Pare's sentences: where (`recipe.steps[1].default.bits`), what was expected, what was found.
 */
import type { z } from 'zod';

export function pathText(path: readonly PropertyKey[]): string {
  return ['recipe', ...path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p)))].join('.').replace(/\.\[/g, '[');
}

export function valueText(v: unknown): string {
  const s = JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** One sentence per zod issue. `kinds` lists the step kinds, for an unknown or missing `step`. */
export function issueText(issue: z.core.$ZodIssue, kinds: readonly string[]): string {
  const where = pathText(issue.path);
  if (issue.code === 'unrecognized_keys') {
    return `${where} has ${issue.keys.length === 1 ? 'an unknown key' : 'unknown keys'} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  }
  const input = (issue as { input?: unknown }).input;
  if (issue.code === 'invalid_union' && (issue as { discriminator?: string }).discriminator === 'step') {
    const expected = `must be one of ${kinds.map((k) => `"${k}"`).join(', ')}`;
    const found = input !== null && typeof input === 'object' ? (input as { step?: unknown }).step : undefined;
    return found === undefined ? `${where} is missing (it ${expected})` : `${where} ${expected}; found ${valueText(found)}`;
  }
  const message = issue.message.startsWith('Invalid input: expected')
    ? `must be ${issue.message.slice('Invalid input: expected '.length)}`
    : issue.message;
  if (input === undefined) return `${where} is missing (it ${message})`;
  return `${where} ${message}; found ${valueText(input)}`;
}

/** All issues as one sentence: the first, then "(and N more: ...)". */
export function issuesText(issues: readonly z.core.$ZodIssue[], kinds: readonly string[]): string {
  const texts = issues.map((i) => issueText(i, kinds));
  const more = texts.length > 1 ? ` (and ${texts.length - 1} more: ${texts.slice(1).join('; ')})` : '';
  return `${texts[0]}${more}.`;
}
