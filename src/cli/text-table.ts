/**
 * Plain-text tables and number formatting for CLI output.
 */

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

/** 1234567 -> '1,234,567'. */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** A shape as '[null, 224, 224, 3]' with '?' for unknown sizes. */
export function shapeText(shape: readonly (number | null)[]): string {
  return `[${shape.map((d) => (d === null ? '?' : String(d))).join(', ')}]`;
}

/** 0.1234 -> '12.3%'. */
export function percent(part: number, whole: number): string {
  return whole === 0 ? '0%' : `${((100 * part) / whole).toFixed(1)}%`;
}
