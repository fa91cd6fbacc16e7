/**
 * The sensitivity chart's data, as pure functions of the rows: one line per layer, x the sparsity each layer alone
 * was pruned to, y what it cost (accuracy points lost with labels, else cosine lost x 100), most sensitive first.
 */
import type { SensitivityRow } from '../../src/worker/api';

export interface SensitivityLine {
  tensor: string;
  points: { x: number; y: number }[];
}

/** What a point cost, in the chart's unit; null when it cannot be said. */
export function costOf(p: SensitivityRow['points'][number], original: number | null): number | null {
  if (original !== null) return p.accuracy === null ? null : (original - p.accuracy) * 100;
  return (1 - p.cosine) * 100;
}

/** The `limit` most sensitive layers' pruning curves (x as a percentage), starting from 0 at 0%. */
export function sensitivityLines(rows: readonly SensitivityRow[], original: number | null, limit = 8): SensitivityLine[] {
  return [...rows]
    .sort((a, b) => b.score - a.score)
    .slice(0, limit)
    .map((row) => ({
      tensor: row.tensor,
      points: [
        { x: 0, y: 0 },
        ...row.points.flatMap((p) => {
          const y = costOf(p, original);
          return p.setting.kind === 'prune' && y !== null ? [{ x: p.setting.sparsity * 100, y }] : [];
        }),
      ],
    }));
}
