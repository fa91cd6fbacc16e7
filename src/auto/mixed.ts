/**
 * Mixed precision for the search: each prunable tensor its own storage (float16, 8, 6, 5, 4, 3 or 2 bits), chosen
 * from what each tensor loses at each width (WidthCosts): the sensitivity curves (the model's cosine loss with that
 * tensor alone quantized), or, where the curves cost too many model passes, each layer's own output error
 * (output-error-costs.ts). Starting from the best uniform candidate, the tensor whose next-lower width saves the
 * most bits per unit of loss is lowered first; each move is verified on the validation part and kept only if the
 * target still holds and the export is smaller, else that tensor stays where it is. Then the sparsity is pushed up
 * the ladder with the mixed widths, raising the most damaged small tensor back to 8 bits when that is what lets a
 * step through. The answer stays a plain recipe: per-tensor rules in the quantize step.
 */
import type { SensitivityRow } from '../calibrate/sensitivity';
import type { Precision } from '../recipe/steps';

/** Widths a tensor may take, widest first; 16 stands for float16. */
export const MIXED_LADDER = [16, 8, 6, 5, 4, 3, 2] as const;

export type Widths = ReadonlyMap<string, number>;

export function precisionOf(bits: number): Precision {
  return bits === 16 ? 'float16' : bits === 8 ? 'uint8' : { bits };
}

/**
 * What the moves are ordered by: each tensor's size, and what it loses stored alone at a width (0 at float16).
 * Only ratios of losses matter, so any measure that grows with the damage will do; `floor` is where differences
 * stop meaning anything (a measured cosine's noise), added to every cost so a free move still has a finite score.
 */
export interface WidthCosts {
  tensors: readonly { tensor: string; params: number }[];
  loss(tensor: string, bits: number): number;
  floor: number;
}

/** The sensitivity curves as costs: cosine loss of the model with the tensor alone quantized. */
export function curveCosts(rows: readonly SensitivityRow[]): WidthCosts {
  const byName = new Map(rows.map((r) => [r.tensor, r]));
  return { tensors: rows, loss: (t, bits) => lossAt(byName.get(t)!, bits), floor: 1e-4 };
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

/** Lowering moves, best first: bits saved over the loss added (a tensor its costs say is free goes first). */
export function downMoves(costs: WidthCosts, widths: Widths, frozen: ReadonlySet<string>): Move[] {
  const scored = costs.tensors.flatMap((row) => {
    const cur = widths.get(row.tensor);
    const next = cur === undefined ? undefined : nextDown(cur);
    if (cur === undefined || next === undefined || frozen.has(row.tensor)) return [];
    const gain = row.params * (cur - next);
    const cost = Math.max(0, costs.loss(row.tensor, next) - costs.loss(row.tensor, cur));
    return [{ tensor: row.tensor, bits: next, score: gain / (cost + costs.floor) }];
  });
  // Ties (equal scores) break by name so the search is reproducible.
  scored.sort((a, b) => b.score - a.score || (a.tensor < b.tensor ? -1 : 1));
  return scored.map(({ tensor, bits }) => ({ tensor, bits }));
}

/** The small tensors below 8 bits that lose most at their width: the cheapest way to buy accuracy back. */
export function upMoves(costs: WidthCosts, widths: Widths, totalParams: number): Move[] {
  return costs.tensors
    .filter((r) => (widths.get(r.tensor) ?? 16) < 8 && r.params <= totalParams * 0.1)
    .map((r) => ({ row: r, loss: costs.loss(r.tensor, widths.get(r.tensor)!) }))
    .sort((a, b) => b.loss - a.loss || (a.row.tensor < b.row.tensor ? -1 : 1))
    .map(({ row }) => ({ tensor: row.tensor, bits: 8 }));
}

/**
 * Every lowering move from `start` down to 2 bits, in the order downMoves would take them one at a time if each
 * were kept: the first k of them are the k cheapest steps down (a tensor's widths in order, since its next move
 * enters only once its previous one is taken). The search bisects over k, which costs a few candidates where
 * verifying every move would cost one each. Deterministic: downMoves breaks ties by name.
 */
export function moveSequence(costs: WidthCosts, start: Widths): Move[] {
  const widths = new Map(start);
  const sequence: Move[] = [];
  for (let m = downMoves(costs, widths, new Set())[0]; m; m = downMoves(costs, widths, new Set())[0]) {
    sequence.push(m);
    widths.set(m.tensor, m.bits);
  }
  return sequence;
}

/** `start` with the first `k` moves of a sequence applied. */
export function afterMoves(start: Widths, sequence: readonly Move[], k: number): Map<string, number> {
  const widths = new Map(start);
  for (const m of sequence.slice(0, k)) widths.set(m.tensor, m.bits);
  return widths;
}

/** The quantize step's per-tensor rules for the widths that differ from the default. */
export function widthRules(widths: Widths, defaultBits: number): { match: string; precision: Precision }[] {
  return [...widths].filter(([, b]) => b !== defaultBits).sort(([a], [b]) => (a < b ? -1 : 1)).map(([match, b]) => ({ match, precision: precisionOf(b) }));
}

export function withMove(widths: Widths, m: Move): Map<string, number> {
  return new Map([...widths, [m.tensor, m.bits]]);
}
