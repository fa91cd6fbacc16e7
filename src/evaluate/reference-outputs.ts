/**
 * The reference model's outputs, kept: a search measures dozens of candidates against the same original on the
 * same validation samples, and a sensitivity analysis dozens of settings on the same slice, and running the
 * original again for each would be half of every measurement. Outputs are kept per data set (by identity, let go
 * with it) and per batch, as evaluateModel asks for them; memory is the reference's outputs on that data, once.
 */
import type * as tf from '@tensorflow/tfjs';
import type { Dataset } from './dataset';
import { predictEachOutput, predictValues, type AnyModel } from './run-model';

export type Outputs = { values: Float32Array; width: number }[];

export class ReferenceOutputs {
  private readonly byData = new WeakMap<Dataset, Map<string, Outputs>>();

  constructor(readonly model: AnyModel) {}

  /**
   * The reference's outputs on samples [start, end) of `data`, which `x` holds: every output, or the first only.
   * Run once per data set, batch and kind; later calls return the same arrays (never written by their readers).
   */
  async on(data: Dataset, start: number, end: number, every: boolean, x: tf.Tensor): Promise<Outputs> {
    let kept = this.byData.get(data);
    if (!kept) this.byData.set(data, (kept = new Map()));
    const key = `${start}:${end}:${every ? 'every' : 'first'}`;
    let outputs = kept.get(key);
    if (!outputs) {
      outputs = every ? await predictEachOutput(this.model, x) : [await predictValues(this.model, x)];
      kept.set(key, outputs);
    }
    return outputs;
  }
}
