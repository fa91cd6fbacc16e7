/**
 * What channel removal measures on calibration data: the mean |activation| of each channel at the groups' probe
 * layers (the `activation` criterion), and for compensation, at one layer's input in the smaller and the original
 * model, the Gram matrices of their rows with a constant column appended (the sums and count a bias needs come with
 * it). Memory: one batch of activations plus the matrices.
 */
import * as tf from '@tensorflow/tfjs';
import { gramOf } from '../calibrate/capture';
import { convRows, denseRows, type ConvGeometry } from '../calibrate/patches';
import { PareError } from '../errors';
import type { Dataset } from '../evaluate/dataset';

/** Mean |activation| per channel at each probe layer's output, in one pass over the first `samples` samples. */
export async function captureMeanAbs(
  model: tf.LayersModel,
  probes: readonly string[],
  dataset: Dataset,
  options: { samples: number; batchSize?: number; checkAbort?: () => void },
): Promise<Map<string, Float64Array>> {
  const total = Math.min(options.samples, dataset.size);
  if (!(total > 0)) throw new PareError('bad-data', 'The calibration data has no samples.');
  const meanAbs = new Map<string, Float64Array>();
  if (!probes.length) return meanAbs;
  const probe = tf.model({ inputs: model.inputs, outputs: probes.map((p) => model.getLayer(p).output as tf.SymbolicTensor) });
  const sums = probes.map(() => null as Float64Array | null);
  const counts = probes.map(() => 0);
  const batchSize = options.batchSize ?? 32;
  for (let start = 0; start < total; start += batchSize) {
    options.checkAbort?.();
    const batch = await dataset.batch(start, Math.min(start + batchSize, total));
    if (batch.count === 0) continue;
    const rowsOf: number[] = [];
    const results = tf.tidy(() => {
      const acts = probe.predict(tf.tensor(batch.inputs, [batch.count, ...dataset.sampleShape]));
      return (Array.isArray(acts) ? acts : [acts]).map((a) => {
        const rows = denseRows(a);
        rowsOf.push(rows.shape[0]);
        return tf.sum(tf.abs(rows), 0);
      });
    });
    for (let i = 0; i < results.length; i++) {
      const values = await results[i]!.data();
      results[i]!.dispose();
      sums[i] ??= new Float64Array(values.length);
      addInto(sums[i]!, values);
      counts[i]! += rowsOf[i]!;
    }
  }
  probes.forEach((p, i) => meanAbs.set(p, sums[i]!.map((s) => s / counts[i]!)));
  return meanAbs;
}

function addInto(acc: Float64Array, values: ArrayLike<number>): void {
  for (let i = 0; i < acc.length; i++) acc[i] += values[i]!;
}

export interface CrossTarget {
  layer: string;
  /** Rows the smaller model's kernel reads (a) and the original's (b). */
  a: number;
  b: number;
  conv?: ConvGeometry;
}

/**
 * For one layer, H = [A 1]ᵀ[A 1] and C = [A 1]ᵀ[B 1], where A are its input rows in `smaller` and B in `original`
 * on the same calibration samples: what the sequential least-squares refit solves with.
 */
export async function captureCross(
  smaller: tf.LayersModel,
  original: tf.LayersModel,
  target: CrossTarget,
  dataset: Dataset,
  options: { samples: number; batchSize?: number; checkAbort?: () => void },
): Promise<{ h: Float64Array; c: Float64Array }> {
  const total = Math.min(options.samples, dataset.size);
  if (!(total > 0)) throw new PareError('bad-data', 'The calibration data has no samples.');
  const probeOf = (m: tf.LayersModel) => {
    const input = m.getLayer(target.layer).input;
    if (Array.isArray(input)) throw new PareError('unsupported', `Layer '${target.layer}' has several inputs; Pare compensates layers with one.`);
    return tf.model({ inputs: m.inputs, outputs: input });
  };
  const [pa, pb] = [probeOf(smaller), probeOf(original)];
  const g = target.conv;
  const h = new Float64Array((target.a + 1) ** 2);
  const c = new Float64Array((target.a + 1) * (target.b + 1));
  const batchSize = options.batchSize ?? 32;
  for (let start = 0; start < total; start += batchSize) {
    options.checkAbort?.();
    const batch = await dataset.batch(start, Math.min(start + batchSize, total));
    if (batch.count === 0) continue;
    const [hh, cc] = tf.tidy(() => {
      const x = tf.tensor(batch.inputs, [batch.count, ...dataset.sampleShape]);
      const rows = (p: tf.LayersModel) => {
        const act = p.predict(x) as tf.Tensor;
        const r = g ? convRows(act as tf.Tensor4D, g) : denseRows(act);
        return tf.concat([r, tf.ones([r.shape[0], 1])], 1) as tf.Tensor2D;
      };
      const ra = rows(pa);
      const rb = rows(pb);
      return [gramOf(ra), gramOf(ra, rb)];
    });
    addInto(h, await hh!.data());
    addInto(c, await cc!.data());
    hh!.dispose();
    cc!.dispose();
  }
  return { h, c };
}
