/**
 * Conv2DBackpropFilter for wasm (TF.js 4.22's wasm backend has none): the weight gradient of a 2-D convolution,
 * for any stride, padding ('same', 'valid', explicit) and dilation.
 *
 * For each filter tap (i, j), the weight gradient is one matrix product: the inputs that tap read — a strided
 * slice of the padded input, [batch * outH * outW, inChannels] — transposed, times dy,
 * [batch * outH * outW, outChannels]. The taps' products stacked are [kh, kw, in, out]. The work is the same as a
 * direct loop's, in kh * kw calls to wasm's matrix product.
 */
import type * as tf from '@tensorflow/tfjs';
import { convGeometry, tapRange, type ConvAttrs } from './conv-geometry';
import { inKernelScope } from './wasm-scope';

export interface BackpropFilterAttrs extends ConvAttrs {
  filterShape: [number, number, number, number];
}

export function conv2dBackpropFilterWasm({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const a = attrs as unknown as BackpropFilterAttrs;
  const [kh, kw, cin, cout] = a.filterShape;
  const g = convGeometry(x.shape, a.filterShape, a, false, 'Conv2DBackpropFilter');
  return inKernelScope('wasm', backend, (k) => {
    const padded = k.pad(x, [[0, 0], [g.pad.top, g.pad.bottom], [g.pad.left, g.pad.right], [0, 0]]);
    const rows = g.batch * g.outHeight * g.outWidth;
    const dy3 = k.reshape(dy, [1, rows, cout]);
    const taps: tf.TensorInfo[] = [];
    for (let i = 0; i < kh; i++) {
      const [h0, h1] = tapRange(i, g.dilations[0], g.strides[0], g.outHeight);
      for (let j = 0; j < kw; j++) {
        const [w0, w1] = tapRange(j, g.dilations[1], g.strides[1], g.outWidth);
        const read = k.run('StridedSlice', { x: padded }, {
          begin: [0, h0, w0, 0], end: [g.batch, h1, w1, cin], strides: [1, g.strides[0], g.strides[1], 1],
          beginMask: 0, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0,
        });
        const product = k.run('BatchMatMul', { a: k.reshape(read, [1, rows, cin]), b: dy3 }, { transposeA: true, transposeB: false });
        taps.push(product);
      }
    }
    const stacked = taps.length === 1 ? taps[0]! : k.run('Concat', taps, { axis: 0 });
    return k.reshape(stacked, [kh, kw, cin, cout]);
  });
}
