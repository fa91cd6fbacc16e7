/**
 * Input statistics of the layers a calibrated step changes, gathered from calibration data batch by batch: per
 * layer, Σ xⱼ² over rows (Wanda's input norms) and, when asked, the Gram matrix XᵀX (what OBS-style pruning
 * compensates with; for a depthwise layer, one small XᵀX per channel over its patch elements). Memory is bounded by one batch of activations plus d² per layer, whatever the data size.
 */
import * as tf from '@tensorflow/tfjs';
import { PareError } from '../errors';
import type { Dataset } from '../evaluate/dataset';
import { convRows, denseRows, depthwisePatchKernel, depthwiseStats, type ConvGeometry } from './patches';

export interface CaptureTarget {
  /** The kernel's weight name (the statistics are keyed by it). */
  weight: string;
  /** The layer, found with model.getLayer. */
  layer: string;
  /**
   * 'depthwise': each input channel c is its own small layer over its kh*kw patch elements; the Gram matrix is then
   * one K x K block per channel (K = kh*kw), c-major, and the sums run over the kernel's rows (k * channels + c).
   */
  kind: 'dense' | 'conv2d' | 'depthwise';
  /** Rows the kernel has: input features, or kh*kw*cin. */
  dIn: number;
  conv?: ConvGeometry;
  /**
   * How much an error in each output channel weighs downstream, when a batch norm rescales them next: γ² / (σ² + ε)
   * per channel. Absent: every channel weighs the same.
   */
  outputWeights?: Float64Array;
}

export interface InputStats {
  /** Σ over calibration rows of xⱼ, per input j (E[x] for bias correction). */
  sums: Float64Array;
  /** Σ over calibration rows of xⱼ², per input j. */
  sumSquares: Float64Array;
  /** XᵀX, dIn x dIn row-major, when asked for. */
  gram: Float64Array | null;
  rows: number;
}

export interface CaptureOptions {
  /** Samples to use from the start of the data set (all, when fewer). */
  samples: number;
  batchSize?: number;
  gram: boolean;
  checkAbort?: () => void;
  onBatch?: (done: number, total: number) => Promise<void> | void;
}

/**
 * Runs `model` on the first `samples` samples of `dataset` and returns each target layer's input statistics.
 * @example const stats = await captureInputStats(model, targets, calibration, { samples: 512, gram: true });
 */
export async function captureInputStats(
  model: tf.LayersModel,
  targets: readonly CaptureTarget[],
  dataset: Dataset,
  options: CaptureOptions,
): Promise<Map<string, InputStats>> {
  const stats = new Map<string, InputStats>();
  if (!targets.length) return stats;
  const total = Math.min(options.samples, dataset.size);
  if (!(total > 0)) throw new PareError('bad-data', 'The calibration data has no samples.');
  const outputs = targets.map((t) => {
    const input = model.getLayer(t.layer).input;
    if (Array.isArray(input)) throw new PareError('unsupported', `Layer '${t.layer}' has several inputs; Pare calibrates layers with one.`);
    return input;
  });
  const probe = tf.model({ inputs: model.inputs, outputs });
  const kernels = targets.map(patchKernelFor);
  for (const t of targets) stats.set(t.weight, emptyStats(t, options.gram));
  const batchSize = options.batchSize ?? 64;
  try {
    for (let start = 0; start < total; start += batchSize) {
      options.checkAbort?.();
      const batch = await dataset.batch(start, Math.min(start + batchSize, total));
      if (batch.count === 0) continue;
      const rowCounts: number[] = [];
      const results = tf.tidy(() => {
        const x = tf.tensor(batch.inputs, [batch.count, ...dataset.sampleShape]);
        const acts = probe.predict(x);
        const list = Array.isArray(acts) ? acts : [acts];
        return list.map((a, i) => {
          const { rows, results } = targetStats(a, targets[i]!, kernels[i]!, options.gram);
          rowCounts.push(rows);
          return results;
        });
      });
      await addBatchStats(stats, targets, results, rowCounts);
      await options.onBatch?.(Math.min(start + batchSize, total), total);
    }
  } finally {
    for (const k of kernels) k?.dispose();
  }
  return stats;
}

/** The one-hot kernel that turns a depthwise layer's input into its per-channel patches (null for the others). */
export function patchKernelFor(t: CaptureTarget): tf.Tensor4D | null {
  if (!t.conv || t.kind !== 'depthwise') return null;
  const [kh, kw] = t.conv.kernelSize;
  return depthwisePatchKernel(kh, kw, t.dIn / (kh * kw));
}

/** Zeroed statistics for `t`: a depthwise target's Gram matrix is one kh*kw block per channel, not dIn². */
export function emptyStats(t: CaptureTarget, gram: boolean): InputStats {
  const k = t.kind === 'depthwise' ? t.conv!.kernelSize[0] * t.conv!.kernelSize[1] : t.dIn;
  return { sums: new Float64Array(t.dIn), sumSquares: new Float64Array(t.dIn), gram: gram ? new Float64Array(t.dIn * k) : null, rows: 0 };
}

/**
 * Patch elements one slice of a batch may expand into (float32: 64 MB). A convolution's patches are kh*kw times
 * its input: MobileNetV2's first depthwise layer alone turns one 224x224 photo into 10M of them.
 */
const PATCH_BUDGET = 1 << 24;

/**
 * One batch's statistics for `t` from the activation `a` its kernel multiplies (tensors, in a tidy). Convolutions
 * run on slices of the batch whose patches fit PATCH_BUDGET, so memory stays bounded whatever the batch size.
 */
export function targetStats(a: tf.Tensor, t: CaptureTarget, kernel: tf.Tensor4D | null, gram: boolean, budget = PATCH_BUDGET): { rows: number; results: tf.Tensor[] } {
  if (!t.conv || a.shape.length !== 4) return sliceStats(a, t, kernel, gram);
  const [n, h, w] = a.shape as number[];
  const perSample = h! * w! * t.dIn;
  const step = Math.max(1, Math.floor(budget / perSample));
  if (step >= n!) return sliceStats(a, t, kernel, gram);
  // Each slice in its own scope, its patches freed before the next (the caller's tidy would keep them all).
  let rows = 0;
  let sums: tf.Tensor[] | null = null;
  for (let start = 0; start < n!; start += step) {
    const part = tf.tidy(() => {
      const p = sliceStats(tf.slice(a, [start, 0, 0, 0], [Math.min(step, n! - start), -1, -1, -1]), t, kernel, gram);
      rows += p.rows;
      return p.results;
    });
    if (!sums) sums = part;
    else {
      const previous: tf.Tensor[] = sums;
      sums = tf.tidy(() => previous.map((r, i) => tf.add(r, part[i]!)));
      tf.dispose([...previous, ...part]);
    }
  }
  return { rows, results: sums! };
}

function sliceStats(a: tf.Tensor, t: CaptureTarget, kernel: tf.Tensor4D | null, gram: boolean): { rows: number; results: tf.Tensor[] } {
  if (t.kind === 'depthwise') {
    const d = depthwiseStats(a as tf.Tensor4D, t.conv!, kernel!, gram);
    return { rows: d.rows, results: d.gram ? [d.sum, d.sumSq, d.gram] : [d.sum, d.sumSq] };
  }
  const rows = t.conv ? convRows(a as tf.Tensor4D, t.conv) : denseRows(a);
  return { rows: rows.shape[0], results: rowStats(rows, gram) };
}

function addInto(acc: Float64Array, values: ArrayLike<number>): void {
  for (let i = 0; i < acc.length; i++) acc[i] += values[i]!;
}

/** One batch's input rows as [sum, sum of squares, Gram matrix when asked] per column (tensors, in a tidy). */
export function rowStats(rows: tf.Tensor2D, gram: boolean): tf.Tensor[] {
  const sums = [tf.sum(rows, 0), tf.sum(tf.square(rows), 0)];
  return gram ? [...sums, gramOf(rows)] : sums;
}

/**
 * XᵀX of [rows, d] rows. The transpose is written out: the wasm backend's matMul with transposeA takes a slow
 * path (27x slower for 4096 x 1280 rows, 8x for a convolution's 35,840 x 576 patches, on this machine), and a
 * transpose copy costs less than a tenth of the product.
 */
export function gramOf(rows: tf.Tensor2D, other: tf.Tensor2D = rows): tf.Tensor2D {
  return tf.matMul(tf.transpose(rows), other);
}

/** Adds one batch's [sum, sum of squares, Gram] per target (as rowStats makes them) into `stats`, and frees them. */
export async function addBatchStats(stats: Map<string, InputStats>, targets: readonly CaptureTarget[], results: tf.Tensor[][], rowCounts: number[]): Promise<void> {
  for (let i = 0; i < targets.length; i++) {
    const [sum, sumSq, gram] = results[i]!;
    const s = stats.get(targets[i]!.weight)!;
    s.rows += rowCounts[i]!;
    addInto(s.sums, await sum!.data());
    addInto(s.sumSquares, await sumSq!.data());
    if (gram && s.gram) addInto(s.gram, await gram.data());
    for (const t of [sum, sumSq, gram]) t?.dispose();
  }
}
