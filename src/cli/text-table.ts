/**
 * Plain-text tables for CLI output. Numbers are worded by src/text/wording.ts, as in the page.
 */
import { formatCount, formatPercent } from '../text/wording';

export interface Column<Row> {
  title: string;
  value: (row: Row) => string;
  align?: 'left' | 'right';
  /** Longer cells are cut from the left ('…/Conv1/weights'): the end of a TF name is the telling part. */
  max?: number;
}

/**
 * Renders rows as aligned columns with a header line.
 *
 * @example
 *   textTable([{ title: 'name', value: (r) => r.name }], rows);
 */
export function textTable<Row>(columns: Column<Row>[], rows: readonly Row[]): string {
  const cells = rows.map((row) => columns.map((c) => clip(c.value(row), c.max)));
  const widths = columns.map((c, i) => Math.max(c.title.length, ...cells.map((r) => r[i].length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => (columns[i].align === 'right' ? v.padStart(widths[i]) : v.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.title)), ...cells.map(line)].join('\n');
}

function clip(text: string, max: number | undefined): string {
  return max !== undefined && text.length > max ? `…${text.slice(text.length - max + 1)}` : text;
}

/** 1234567 -> '1,234,567' (the page's formatCount, under the name the CLI's tables use). */
export const count = formatCount;

/** A shape as '[?, 224, 224, 3]' with '?' for unknown sizes (null or -1): brackets, so columns read as lists. */
export function shapeText(shape: readonly (number | null)[]): string {
  return `[${shape.map((d) => (d === null || d < 0 ? '?' : String(d))).join(', ')}]`;
}

/** 0.1234 -> '12.3%'. */
export function percent(part: number, whole: number): string {
  return whole === 0 ? '0%' : formatPercent(part / whole);
}
