/**
 * Short, unique names for the layer table's rows (and the accessible names of their controls): the layer's name
 * for layers models ('fc1', 'block_10_depthwise'); for graph models the node name without the scope every node
 * shares and without its op ('StatefulPartitionedCall/functional_1/conv2d_34/BiasAdd' -> 'conv2d_34'). A row whose
 * short name would not be unique keeps more of its name, and at worst the tensor's own name.
 */
import type { WeightInfo } from '../../src/model/types';

function commonPrefixLength(lists: string[][]): number {
  if (lists.length < 2) return 0;
  let n = 0;
  for (;;) {
    const first = lists[0][n];
    // Keep at least one segment of every name.
    if (first === undefined || lists.some((l) => l[n] !== first || l.length <= n + 1)) return n;
    n++;
  }
}

/** Labels for `weights` (in order), unique among themselves. */
export function layerLabels(weights: readonly Pick<WeightInfo, 'name' | 'owner'>[]): string[] {
  const segments = weights.map((w) => (w.owner || w.name).split('/'));
  const skip = commonPrefixLength(segments);
  const trimmed = segments.map((s) => s.slice(skip));
  const candidates = trimmed.map((s) => (s.length > 1 ? [s.slice(0, -1).join('/'), s.join('/')] : [s.join('/')]));
  const labels = candidates.map((c) => c[0]);
  const count = (list: string[]) => list.reduce((m, l) => m.set(l, (m.get(l) ?? 0) + 1), new Map<string, number>());
  let counts = count(labels);
  labels.forEach((l, i) => {
    if (counts.get(l)! > 1 && candidates[i].length > 1) labels[i] = candidates[i][1];
  });
  counts = count(labels);
  return labels.map((l, i) => (counts.get(l)! > 1 ? weights[i].name : l));
}

/**
 * Tensor names without the scope they all share ('StatefulPartitionedCall/model/conv1/weights' ->
 * 'conv1/weights' when every name starts with 'StatefulPartitionedCall/model/'): still unique, much shorter.
 */
export function withoutSharedScope(names: readonly string[]): string[] {
  const segments = names.map((n) => n.split('/'));
  const skip = commonPrefixLength(segments);
  return segments.map((s) => s.slice(skip).join('/'));
}
