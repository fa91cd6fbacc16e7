/**
 * How much each channel of a group matters: the L1 or L2 norm of the filters that produce it (summed over the
 * producers of a residual group), the batch norm's |gamma|, or the mean |activation| measured on calibration data.
 */
import type { ChannelGroup } from './group-types';
import type { ShapedWeight } from './remove';

export type Criterion = 'l1' | 'l2' | 'bn-scale' | 'activation';

/** Σ|x| (p = 1) or Σx² (p = 2) of each index along `axis`. */
function axisSums(values: ArrayLike<number>, shape: readonly number[], axis: number, p: 1 | 2): Float64Array {
  const n = shape[axis]!;
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const out = new Float64Array(n);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    out[Math.floor(i / inner) % n] += p === 1 ? Math.abs(v) : v * v;
  }
  return out;
}

/**
 * Scores of each channel, or null when the criterion has nothing to read in this group (bn-scale without a batch
 * norm): the caller then falls back to L1 and says so.
 */
export function weightScores(group: ChannelGroup, weights: ReadonlyMap<string, ShapedWeight>, criterion: 'l1' | 'l2' | 'bn-scale'): Float64Array | null {
  const scores = new Float64Array(group.channels);
  const picked = group.members.filter((m) =>
    criterion === 'bn-scale' ? m.role === 'param' && m.weight.endsWith('/gamma') : m.role === 'out' && (weights.get(m.weight)?.shape.length ?? 0) > 1,
  );
  if (!picked.length) return null;
  for (const m of picked) {
    const w = weights.get(m.weight)!;
    const sums = axisSums(w.values, w.shape, m.axis, criterion === 'l2' ? 2 : 1);
    for (let c = 0; c < group.channels; c++) scores[c] += sums[m.layout.offset + c]!;
  }
  if (criterion === 'l2') for (let c = 0; c < scores.length; c++) scores[c] = Math.sqrt(scores[c]!);
  return scores;
}

/** Scores divided by their mean, so groups of different scales rank against each other. */
export function normalized(scores: Float64Array): Float64Array {
  let mean = 0;
  for (const s of scores) mean += s;
  mean /= scores.length || 1;
  return mean > 0 ? scores.map((s) => s / mean) : scores.slice();
}
