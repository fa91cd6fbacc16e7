/**
 * Removing channels: every member of each shrunk group loses the indices of its removed channels, and the layers
 * that name the channel count (filters, units) say the new one. Tensors no group shrinks keep their arrays.
 */
import { PareError } from '../errors';
import { indicesOf, type ChannelGroup } from './group-types';
import { sliceAxis } from './slice';

export interface ShapedWeight {
  name: string;
  shape: number[];
  values: Float32Array | Int32Array | Uint8Array;
}

/** Indices along (weight, axis) that go, from every group that removes channels there. */
export function removedIndices(groups: readonly ChannelGroup[], keep: ReadonlyMap<number, readonly number[]>): Map<string, Map<number, Set<number>>> {
  const removed = new Map<string, Map<number, Set<number>>>();
  for (const g of groups) {
    const kept = keep.get(g.id);
    if (!kept || kept.length === g.channels) continue;
    if (!g.prunable) throw new Error(`Internal error: channels of group ${g.id} were to be removed, and it is not prunable (${g.reason}).`);
    if (kept.length === 0) throw new Error(`Internal error: group ${g.id} (${g.layers[0]}) would lose every channel.`);
    const keptSet = new Set(kept);
    for (const m of g.members) {
      const byAxis = removed.get(m.weight) ?? new Map<number, Set<number>>();
      removed.set(m.weight, byAxis);
      const set = byAxis.get(m.axis) ?? new Set<number>();
      byAxis.set(m.axis, set);
      for (let c = 0; c < g.channels; c++) if (!keptSet.has(c)) for (const i of indicesOf(m.layout, c)) set.add(i);
    }
  }
  return removed;
}

/** The weights with removed indices sliced out (new arrays only for tensors that change). */
export function sliceWeights<W extends ShapedWeight>(weights: readonly W[], removed: Map<string, Map<number, Set<number>>>): W[] {
  return weights.map((w) => {
    const byAxis = removed.get(w.name);
    if (!byAxis) return w;
    let values = w.values;
    let shape = w.shape;
    for (const [axis, gone] of [...byAxis].sort(([a], [b]) => a - b)) {
      const kept: number[] = [];
      for (let i = 0; i < shape[axis]!; i++) if (!gone.has(i)) kept.push(i);
      ({ values, shape } = sliceAxis(values, shape, axis, kept));
    }
    return { ...w, values, shape };
  });
}

const COUNT_FIELD: Record<string, string> = {
  Dense: 'units', Conv1D: 'filters', Conv2D: 'filters', Conv3D: 'filters', SeparableConv1D: 'filters', SeparableConv2D: 'filters',
};

/** A copy of the topology where each producer of a shrunk group names its new channel count. */
export function reshapeTopology(topology: unknown, groups: readonly ChannelGroup[], keep: ReadonlyMap<number, readonly number[]>): unknown {
  const counts = new Map<string, number>();
  for (const g of groups) {
    const kept = keep.get(g.id);
    if (kept && kept.length !== g.channels) for (const p of g.producers) counts.set(p, kept.length);
  }
  const copy = structuredClone(topology) as Record<string, unknown>;
  const root = (copy.model_config ?? copy) as { config?: { layers?: { class_name: string; config: Record<string, unknown> }[] } | unknown[] };
  const layers = Array.isArray(root.config) ? root.config : root.config?.layers ?? [];
  let done = 0;
  for (const l of layers as { class_name: string; config: Record<string, unknown> }[]) {
    const n = counts.get(l.config.name as string);
    if (n === undefined) continue;
    const field = COUNT_FIELD[l.class_name];
    if (!field || typeof l.config[field] !== 'number') throw new PareError('unsupported', `Layer '${l.config.name}' (${l.class_name}) has no channel count Pare can rewrite.`);
    l.config[field] = n;
    done++;
  }
  if (done !== counts.size) throw new Error(`Internal error: ${counts.size - done} shrunk layers were not found in the topology.`);
  return copy;
}

/**
 * A copy of a graph topology whose Const nodes state the new shapes of the weights that shrank (the manifest is
 * what the loader reads; the node's own tensorShape is kept truthful for tools that read it).
 */
export function reshapeGraphConsts(topology: unknown, shapes: ReadonlyMap<string, readonly number[]>): unknown {
  const copy = structuredClone(topology) as { node?: { name: string; op: string; attr?: Record<string, { tensor?: { tensorShape?: { dim?: { size?: string }[] } } }> }[] };
  for (const node of copy.node ?? []) {
    const shape = node.op === 'Const' ? shapes.get(node.name) : undefined;
    const proto = shape && node.attr?.value?.tensor?.tensorShape;
    if (proto) proto.dim = shape.map((d) => ({ size: String(d) }));
  }
  return copy;
}
