/**
 * Compensation, layer by layer: the smaller model is built first; then each layer that reads removed channels, in
 * model order, is refitted so that on the calibration samples it reproduces what the original layer computed from
 * the original inputs, given the inputs it now receives (which earlier refits already shaped). This is what a
 * one-pass refit on the original activations approximates; it is exact to the data for every layer in turn.
 */
import type * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../evaluate/dataset';
import { captureCross } from './capture';
import { refitFromCross } from './least-squares';
import type { RefitTarget } from './prune-channels';
import type { ShapedWeight } from './remove';

export interface RefitContext<W extends ShapedWeight> {
  /** Loads a layers model from a topology and weights. */
  load(topology: unknown, weights: readonly W[]): Promise<tf.LayersModel>;
  dataset: Dataset;
  samples: number;
  /** Ridge strength relative to each Gram matrix's mean diagonal (least-squares.ts DEFAULT_RIDGE when absent). */
  ridge?: number;
  checkAbort(): void;
  onLayer(layer: string): Promise<void>;
}

/**
 * @param original the weights before removal (what the targets reproduce)
 * @param smaller the sliced weights and topology; returned with each target's kernel and bias refitted
 */
export async function refitSequentially<W extends ShapedWeight>(
  originalTopology: unknown,
  original: readonly W[],
  smaller: { modelTopology: unknown; weights: W[] },
  targets: readonly RefitTarget[],
  ctx: RefitContext<W>,
): Promise<W[]> {
  const weights = [...smaller.weights];
  const index = new Map(weights.map((w, i) => [w.name, i]));
  const source = await ctx.load(originalTopology, original);
  try {
    for (const t of targets) {
      ctx.checkAbort();
      const k0 = original[index.get(t.kernel)!]!;
      const k1 = weights[index.get(t.kernel)!]!;
      const b0 = t.bias !== undefined ? original[index.get(t.bias)!]! : undefined;
      const cin = k0.shape[t.axis]!;
      const b = t.dIn;
      const a = (b / cin) * t.keptIn.length;
      const cout = k0.shape[k0.shape.length - 1]!;
      const current = await ctx.load(smaller.modelTopology, weights);
      let stats: { h: Float64Array; c: Float64Array };
      try {
        stats = await captureCross(current, source, { layer: t.layer, a, b, ...(t.conv ? { conv: t.conv } : {}) }, ctx.dataset, { samples: ctx.samples, checkAbort: ctx.checkAbort });
      } finally {
        current.dispose();
      }
      const b1 = t.bias !== undefined ? weights[index.get(t.bias)!]! : undefined;
      const r = refitFromCross(
        stats.h,
        stats.c,
        a,
        b,
        { kernel: k0.values as Float32Array, bias: (b0?.values as Float32Array | undefined) ?? null },
        { kernel: k1.values as Float32Array, bias: (b1?.values as Float32Array | undefined) ?? null },
        t.keptOut,
        cout,
        ctx.ridge,
      );
      weights[index.get(t.kernel)!] = { ...k1, values: r.kernel };
      if (t.bias !== undefined && r.bias) weights[index.get(t.bias)!] = { ...weights[index.get(t.bias)!]!, values: r.bias };
      await ctx.onLayer(t.layer);
    }
  } finally {
    source.dispose();
  }
  return weights;
}
