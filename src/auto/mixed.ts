/**
 * Mixed precision for the search: each prunable tensor its own storage (float16, 8, 6, 5, 4, 3 or 2 bits), chosen
 * from the sensitivity curves. Starting from the best uniform candidate, the tensor whose next-lower width saves the
 * most bits per unit of sensitivity (its cosine loss when quantized alone, from the curves) is lowered first; each
 * move is verified on the validation part and kept only if the target still holds and the export is smaller, else
 * that tensor stays where it is. Then the sparsity is pushed up the ladder with the mixed widths, raising the most
 * damaged small tensor back to 8 bits when that is what lets a step through. The answer stays a plain recipe:
 * per-tensor rules in the quantize step.
 */
import type { SensitivityRow } from '../calibrate/sensitivity';
import type { Precision } from '../recipe/steps';

/** Widths a tensor may take, widest first; 16 stands for float16. */
export const MIXED_LADDER = [16, 8, 6, 5, 4, 3, 2] as const;

export type Widths = ReadonlyMap<string, number>;

export function precisionOf(bits: number): Precision {
  return bits === 16 ? 'float16' : bits === 8 ? 'uint8' : { bits };
}

/** Cosine loss (1 − cosine) of a tensor quantized alone to `bits`, read from its curve (interpolated for 5, 6). */
export function lossAt(row: SensitivityRow, bits: number): number {
  if (bits >= 16) return 0;
  const measured = new Map(row.points.flatMap((p) => (p.setting.kind === 'quantize' ? [[p.setting.bits, 1 - p.cosine] as const] : [])));
  const at = measured.get(bits);
  if (at !== undefined) return Math.max(0, at);
  const known = [...measured.keys()].sort((a, b) => a - b);
  const lo = [...known].reverse().find((b) => b < bits);
  const hi = known.find((b) => b > bits);
  if (lo === undefined) return Math.max(0, measured.get(hi!) ?? 0);
  if (hi === undefined) return Math.max(0, measured.get(lo) ?? 0);
  const t = (bits - lo) / (hi - lo);
  return Math.max(0, measured.get(lo)! * (1 - t) + measured.get(hi)! * t);
}

const nextDown = (bits: number) => MIXED_LADDER.find((b) => b < bits);

export interface Move {
  tensor: string;
  bits: number;
}

/** Lowering moves, best first: bits saved over the cosine loss added (a tensor its own curve says is free goes first). */
export function downMoves(rows: readonly SensitivityRow[], widths: Widths, frozen: ReadonlySet<string>): Move[] {
  const scored = rows.flatMap((row) => {
    const cur = widths.get(row.tensor);
    const next = cur === undefined ? undefined : nextDown(cur);
    if (cur === undefined || next === undefined || frozen.has(row.tensor)) return [];
    const gain = row.params * (cur - next);
    const cost = Math.max(0, lossAt(row, next) - lossAt(row, cur));
    return [{ tensor: row.tensor, bits: next, score: gain / (cost + 1e-4) }];
  });
  // Ties (equal scores) break by name so the search is reproducible.
  scored.sort((a, b) => b.score - a.score || (a.tensor < b.tensor ? -1 : 1));
  return scored.map(({ tensor, bits }) => ({ tensor, bits }));
}

/** The small tensors below 8 bits that lose most at their width: the cheapest way to buy accuracy back. */
export function upMoves(rows: readonly SensitivityRow[], widths: Widths, totalParams: number): Move[] {
  return rows
    .filter((r) => (widths.get(r.tensor) ?? 16) < 8 && r.params <= totalParams * 0.1)
    .map((r) => ({ row: r, loss: lossAt(r, widths.get(r.tensor)!) }))
    .sort((a, b) => b.loss - a.loss || (a.row.tensor < b.row.tensor ? -1 : 1))
    .map(({ row }) => ({ tensor: row.tensor, bits: 8 }));
}

/** The quantize step's per-tensor rules for the widths that differ from the default. */
export function widthRules(widths: Widths, defaultBits: number): { match: string; precision: Precision }[] {
  return [...widths].filter(([, b]) => b !== defaultBits).sort(([a], [b]) => (a < b ? -1 : 1)).map(([match, b]) => ({ match, precision: precisionOf(b) }));
}

export function withMove(widths: Widths, m: Move): Map<string, number> {
  return new Map([...widths, [m.tensor, m.bits]]);
}
