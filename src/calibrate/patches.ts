/**
 * What a layer's kernel multiplies, as rows: a Dense layer's inputs as they are, a Conv2D layer's input patches
 * (im2col). Patches come from a convolution with a one-hot kernel, so strides, padding and dilation are exactly
 * the layer's own, computed by whichever backend runs the model.
 */
import * as tf from '@tensorflow/tfjs';

export interface ConvGeometry {
  kernelSize: [number, number];
  strides: [number, number];
  dilation: [number, number];
  padding: 'same' | 'valid';
}

/** [rows, d] of a Dense input: every leading dimension folded into rows. */
export function denseRows(x: tf.Tensor): tf.Tensor2D {
  const d = x.shape[x.shape.length - 1]!;
  return tf.reshape(x, [-1, d]);
}

/**
 * [rows, kh*kw*cin] patches of an NHWC input, in the order a Conv2D kernel [kh, kw, cin, cout] reads them
 * (row-major kh, kw, cin): one strided slice of the padded input per kernel position, side by side. Only copies:
 * the same numbers a one-hot convolution gives, without its rows x d² multiply-adds, as many as the Gram matrix
 * the rows are for.
 */
export function convRows(x: tf.Tensor4D, g: ConvGeometry): tf.Tensor2D {
  const [n, h, w, c] = x.shape;
  const [kh, kw] = g.kernelSize;
  const [sy, sx] = g.strides;
  const [dy, dx] = g.dilation;
  const [oh, padTop, padBottom] = outputSpan(h, kh, sy, dy, g.padding);
  const [ow, padLeft, padRight] = outputSpan(w, kw, sx, dx, g.padding);
  const padded = padTop || padBottom || padLeft || padRight ? tf.pad(x, [[0, 0], [padTop, padBottom], [padLeft, padRight], [0, 0]]) : x;
  const parts: tf.Tensor4D[] = [];
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      parts.push(tf.stridedSlice(padded, [0, i * dy, j * dx, 0], [n, i * dy + (oh - 1) * sy + 1, j * dx + (ow - 1) * sx + 1, c], [1, sy, sx, 1]) as tf.Tensor4D);
    }
  }
  const patches = parts.length === 1 ? parts[0]! : tf.concat(parts, 3);
  return tf.reshape(patches, [-1, kh * kw * c]);
}

/** Output size along one axis, and the padding before and after it, as TensorFlow computes them ("SAME" splits the total, the smaller half first). */
function outputSpan(size: number, k: number, stride: number, dilation: number, padding: ConvGeometry['padding']): [number, number, number] {
  const span = (k - 1) * dilation + 1;
  if (padding === 'valid') return [Math.ceil((size - span + 1) / stride), 0, 0];
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + span - size, 0);
  return [out, Math.floor(total / 2), total - Math.floor(total / 2)];
}

/** The one-hot depthwise kernel [kh, kw, channels, kh*kw] whose multiplier k copies patch element k of each channel. */
export function depthwisePatchKernel(kh: number, kw: number, channels: number): tf.Tensor4D {
  return tf.tidy(() => tf.tile(tf.reshape(tf.eye(kh * kw), [kh, kw, 1, kh * kw]), [1, 1, channels, 1]) as tf.Tensor4D);
}

/**
 * Per-channel patch statistics of an NHWC input for a depthwise kernel: Σx and Σx² in the kernel's row order
 * (k * channels + c), and one K x K Gram block per channel, c-major.
 */
export function depthwiseStats(x: tf.Tensor4D, g: ConvGeometry, kernel: tf.Tensor4D, gram: boolean): { rows: number; sum: tf.Tensor; sumSq: tf.Tensor; gram?: tf.Tensor } {
  const [, , channels, k] = kernel.shape;
  const patches = tf.depthwiseConv2d(x, kernel, g.strides, g.padding, 'NHWC', g.dilation);
  const rows = tf.reshape(patches, [-1, channels, k]);
  const kMajor = (t: tf.Tensor) => tf.reshape(tf.transpose(t), [-1]);
  const out = { rows: rows.shape[0], sum: kMajor(tf.sum(rows, 0)), sumSq: kMajor(tf.sum(tf.square(rows), 0)) };
  if (!gram) return out;
  // [channels, K, rows] x [channels, rows, K], the transpose written out (as in capture.ts's gramOf).
  const product = tf.matMul(tf.transpose(rows, [1, 2, 0]), tf.transpose(rows, [1, 0, 2]));
  return { ...out, gram: tf.reshape(product, [-1]) };
}
