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

/** The one-hot kernel [kh, kw, cin, kh*kw*cin] whose output channel q copies patch element q (row-major kh, kw, cin). */
export function patchKernel(kh: number, kw: number, cin: number): tf.Tensor4D {
  const d = kh * kw * cin;
  return tf.tidy(() => tf.reshape(tf.eye(d), [kh, kw, cin, d]) as tf.Tensor4D);
}

/** [rows, kh*kw*cin] patches of an NHWC input, in the order a Conv2D kernel [kh, kw, cin, cout] reads them. */
export function convRows(x: tf.Tensor4D, g: ConvGeometry, kernel: tf.Tensor4D): tf.Tensor2D {
  const patches = tf.conv2d(x, kernel, g.strides, g.padding, 'NHWC', g.dilation);
  return tf.reshape(patches, [-1, kernel.shape[3]]);
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
  const byChannel = tf.transpose(rows, [1, 0, 2]);
  return { ...out, gram: tf.reshape(tf.matMul(byChannel, byChannel, true, false), [-1]) };
}
