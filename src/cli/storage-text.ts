/**
 * How `pare auto` names a candidate's storage: one width for every tensor ("4-bit"), or, for mixed precision, how
 * many tensors take each width, widest first ("mixed: float16 x1, 8-bit x9, 4-bit x2"). A model can have hundreds
 * of tensors, so the names stay in the recipe; printing only the default width hid that a candidate was mixed.
 */
import type { Candidate } from '../auto/search';

const widthName = (bits: number) => (bits === 16 ? 'float16' : `${bits}-bit`);

export function storageText(c: Pick<Candidate, 'bits' | 'widths'>): string {
  if (!c.widths) return widthName(c.bits);
  const counts = new Map<number, number>();
  for (const w of Object.values(c.widths)) counts.set(w, (counts.get(w) ?? 0) + 1);
  if (counts.size === 1) return widthName([...counts.keys()][0]!);
  const parts = [...counts].sort(([a], [b]) => b - a).map(([w, n]) => `${widthName(w)} x${n}`);
  return `mixed: ${parts.join(', ')}`;
}
