/**
 * What channel removal measures on calibration data, in one pass over it: the mean |activation| of each channel at
 * the groups' probe layers (the `activation` criterion), and at the inputs of the layers that will be compensated,
 * the Gram matrix of their rows with a constant column appended ([X 1]ᵀ[X 1]: the sums and count the bias needs
 * come with it). Memory: one batch of activations plus d² per compensated layer.
 */
import * as tf from '@tensorflow/tfjs';
import { convRows, denseRows, patchKernel, type ConvGeometry } from '../calibrate/patches';
import { PareError } from '../errors';
import type { Dataset } from '../evaluate/dataset';

export interface GramTarget {
  layer: string;
  /** Rows the kernel reads: input features, or kh*kw*cin. */
  dIn: number;
  conv?: ConvGeometry;
}

export interface ChannelStats {
  /** Mean |activation| per channel, by probe layer. */
  meanAbs: Map<string, Float64Array>;
  /** (dIn+1)² Gram of [X 1], row-major, by layer. */
  gram: Map<string, Float64Array>;
}

export async function captureChannelStats(
  model: tf.LayersModel,
  probes: readonly string[],
  grams: readonly GramTarget[],
  dataset: Dataset,
  options: { samples: number; batchSize?: number; checkAbort?: () => void },
): Promise<ChannelStats> {
  const total = Math.min(options.samples, dataset.size);
  if (!(total > 0)) throw new PareError('bad-data', 'The calibration data has no samples.');
  const outputs = [
    ...probes.map((p) => model.getLayer(p).output as tf.SymbolicTensor),
    ...grams.map((g) => {
      const input = model.getLayer(g.layer).input;
      if (Array.isArray(input)) throw new PareError('unsupported', `Layer '${g.layer}' has several inputs; Pare compensates layers with one.`);
      return input;
    }),
  ];
  const meanAbs = new Map<string, Float64Array>();
  const gram = new Map<string, Float64Array>();
  if (!outputs.length) return { meanAbs, gram };
  const probe = tf.model({ inputs: model.inputs, outputs });
  const kernels = grams.map((g) => (g.conv ? patchKernel(g.conv.kernelSize[0], g.conv.kernelSize[1], g.dIn / (g.conv.kernelSize[0] * g.conv.kernelSize[1])) : null));
  const sums = probes.map(() => null as Float64Array | null);
  const counts = probes.map(() => 0);
  for (const g of grams) gram.set(g.layer, new Float64Array((g.dIn + 1) ** 2));
  const batchSize = options.batchSize ?? 32;
  try {
    for (let start = 0; start < total; start += batchSize) {
      options.checkAbort?.();
      const batch = await dataset.batch(start, Math.min(start + batchSize, total));
      if (batch.count === 0) continue;
      const rowsOf: number[] = [];
      const results = tf.tidy(() => {
        const x = tf.tensor(batch.inputs, [batch.count, ...dataset.sampleShape]);
        const acts = probe.predict(x);
        const list = Array.isArray(acts) ? acts : [acts];
        const abs = list.slice(0, probes.length).map((a) => {
          const rows = denseRows(a);
          rowsOf.push(rows.shape[0]);
          return tf.sum(tf.abs(rows), 0);
        });
        const g = list.slice(probes.length).map((a, i) => {
          const t = grams[i]!;
          const rows = t.conv ? convRows(a as tf.Tensor4D, t.conv, kernels[i]!) : denseRows(a);
          const withOne = tf.concat([rows, tf.ones([rows.shape[0], 1])], 1);
          return tf.matMul(withOne, withOne, true, false);
        });
        return [...abs, ...g];
      });
      for (let i = 0; i < results.length; i++) {
        const values = await results[i]!.data();
        results[i]!.dispose();
        if (i < probes.length) {
          sums[i] ??= new Float64Array(values.length);
          addInto(sums[i]!, values);
          counts[i]! += rowsOf[i]!;
        } else addInto(gram.get(grams[i - probes.length]!.layer)!, values);
      }
    }
  } finally {
    for (const k of kernels) k?.dispose();
  }
  probes.forEach((p, i) => meanAbs.set(p, sums[i]!.map((s) => s / counts[i]!)));
  return { meanAbs, gram };
}

function addInto(acc: Float64Array, values: ArrayLike<number>): void {
  for (let i = 0; i < acc.length; i++) acc[i] += values[i]!;
}
