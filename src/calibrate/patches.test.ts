import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../cli/backend';
import { convRows, depthwisePatchKernel, depthwiseStats, type ConvGeometry } from './patches';

beforeAll(async () => {
  await useBackend('wasm');
});

describe('depthwise patch statistics', () => {
  it('match sums and per-channel Gram blocks computed by hand (3x3 window, stride 2, same padding, 3 channels)', async () => {
    const [h, w, c] = [5, 6, 3];
    const data = Float32Array.from({ length: 2 * h * w * c }, (_, i) => Math.sin(i * 0.7) + (i % 5) * 0.1);
    const x = tf.tensor4d(data, [2, h, w, c]);
    const kernel = depthwisePatchKernel(3, 3, c);
    const got = depthwiseStats(x, { kernelSize: [3, 3], strides: [2, 2], dilation: [1, 1], padding: 'same' }, kernel, true);
    // By hand, with TF's SAME padding: the total pad split with the smaller half at the top and left.
    const at = (n: number, y: number, xx: number, ch: number) => (y < 0 || y >= h || xx < 0 || xx >= w ? 0 : data[((n * h + y) * w + xx) * c + ch]!);
    const outH = Math.ceil(h / 2);
    const outW = Math.ceil(w / 2);
    const padTop = Math.floor(Math.max((outH - 1) * 2 + 3 - h, 0) / 2);
    const padLeft = Math.floor(Math.max((outW - 1) * 2 + 3 - w, 0) / 2);
    const sums = new Float64Array(9 * c);
    const grams = new Float64Array(c * 81);
    for (let n = 0; n < 2; n++) for (let oy = 0; oy < outH; oy++) for (let ox = 0; ox < outW; ox++) for (let ch = 0; ch < c; ch++) {
      const patch = Array.from({ length: 9 }, (_, e) => at(n, oy * 2 - padTop + Math.floor(e / 3), ox * 2 - padLeft + (e % 3), ch));
      patch.forEach((v, e) => {
        sums[e * c + ch] += v;
        patch.forEach((u, f) => (grams[ch * 81 + e * 9 + f] += v * u));
      });
    }
    expect(got.rows).toBe(2 * outH * outW);
    const close = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).forEach((v, i) => expect(v).toBeCloseTo(b[i]!, 4));
    close(await got.sum.data(), sums);
    close(await got.gram!.data(), grams);
    tf.dispose([x, kernel, got.sum, got.sumSq, got.gram!]);
  });
});

describe('convolution patches', () => {
  /** The reference: a convolution with the one-hot kernel whose output channel q copies patch element q. */
  const oneHotRows = (x: tf.Tensor4D, g: ConvGeometry) =>
    tf.tidy(() => {
      const [kh, kw] = g.kernelSize;
      const d = kh * kw * x.shape[3];
      const kernel = tf.reshape(tf.eye(d), [kh, kw, x.shape[3], d]) as tf.Tensor4D;
      return tf.reshape(tf.conv2d(x, kernel, g.strides, g.padding, 'NHWC', g.dilation), [-1, d]);
    });

  it.each<[string, ConvGeometry]>([
    ['3x3, stride 1, same', { kernelSize: [3, 3], strides: [1, 1], dilation: [1, 1], padding: 'same' }],
    ['3x3, stride 2, same (odd and even sides)', { kernelSize: [3, 3], strides: [2, 2], dilation: [1, 1], padding: 'same' }],
    ['2x3, strides 2x1, valid', { kernelSize: [2, 3], strides: [2, 1], dilation: [1, 1], padding: 'valid' }],
    ['3x3, dilation 2, same', { kernelSize: [3, 3], strides: [1, 1], dilation: [2, 2], padding: 'same' }],
    ['1x1, stride 2', { kernelSize: [1, 1], strides: [2, 2], dilation: [1, 1], padding: 'valid' }],
    ['4x4, stride 3, same', { kernelSize: [4, 4], strides: [3, 3], dilation: [1, 1], padding: 'same' }],
  ])('are the one-hot convolution\'s numbers exactly: %s', async (_, g) => {
    const x = tf.tensor4d(Float32Array.from({ length: 2 * 7 * 6 * 3 }, (_, i) => Math.sin(i * 1.3) * 3 + (i % 7) * 0.01), [2, 7, 6, 3]);
    const [got, want] = [convRows(x, g), oneHotRows(x, g)];
    expect(got.shape).toEqual(want.shape);
    expect(await got.data()).toEqual(await want.data());
    tf.dispose([x, got, want]);
  });
});
