/**
 * Test-only: a copy of a real model in which some channels of some groups contribute nothing: every row that reads
 * them is zero, and the filters that produce them are scaled down so that L1 ranks them last. Removing exactly
 * those channels must then leave the outputs unchanged (to float error), which checks every slice and offset.
 */
import { bytesOf, concatBytes } from '../../bytes';
import type { OpenedModel } from '../../model/types';
import { indicesOf, type ChannelGroup } from '../group-types';

/** A view of a row-major tensor that sets index i of `axis` across every other position. */
function scaleAlong(values: Float32Array, shape: readonly number[], axis: number, index: number, factor: number): void {
  const n = shape[axis]!;
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const outer = values.length / (n * inner);
  for (let o = 0; o < outer; o++) for (let j = 0; j < inner; j++) values[(o * n + index) * inner + j]! *= factor;
}

/** The model with `dead` channels (by group id) made inert, stored as plain float32 (no quantization grid). */
export function withDeadChannels(model: OpenedModel, groups: readonly ChannelGroup[], dead: ReadonlyMap<number, readonly number[]>): OpenedModel {
  const values = new Map(model.weights.map((w) => [w.name, w.dtype === 'float32' ? Float32Array.from(w.values as Float32Array) : w.values]));
  const shapes = new Map(model.weights.map((w) => [w.name, w.shape]));
  for (const g of groups) {
    for (const c of dead.get(g.id) ?? []) {
      for (const m of g.members) {
        const v = values.get(m.weight)! as Float32Array;
        if (m.role === 'in') for (const i of indicesOf(m.layout, c)) scaleAlong(v, shapes.get(m.weight)!, m.axis, i, 0);
        else if (m.role === 'out') for (const i of indicesOf(m.layout, c)) scaleAlong(v, shapes.get(m.weight)!, m.axis, i, 1e-4);
      }
    }
  }
  const weights = model.weights.map((w) => {
    const { quantization: _dropped, ...rest } = w;
    const v = values.get(w.name)!;
    return { ...rest, values: v, storedBytes: v.byteLength };
  });
  return {
    ...model,
    weights,
    artifacts: {
      ...model.artifacts,
      weightSpecs: weights.map((w) => ({ name: w.name, shape: [...w.shape], dtype: w.dtype })),
      weightData: concatBytes(weights.map((w) => bytesOf(w.values))).buffer,
    },
  };
}
