/**
 * DepthwiseConv2dNativeBackpropFilter for wasm: the weight gradient of a depthwise convolution, for any stride,
 * padding, dilation and channel multiplier.
 *
 * Channel c with multiplier m only sees input channel c, so per filter tap (i, j) the gradient is, for each
 * channel, a dot product over batch and output positions: a batched matrix product with the channel as the batch,
 * dy as [C, M, rows] times the tap's inputs as [C, rows, 1]. The input is moved channels-first once, so each tap's
 * read is one strided slice with no further copy.
 */
import type * as tf from '@tensorflow/tfjs';
import type { BackpropFilterAttrs } from './conv2d-backprop-filter';
import { convGeometry, tapRange } from './conv-geometry';
import { inKernelScope } from './wasm-scope';

export function depthwiseBackpropFilterWasm({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const a = attrs as unknown as BackpropFilterAttrs;
  const [kh, kw, c, m] = a.filterShape;
  const g = convGeometry(x.shape, a.filterShape, a, true, 'DepthwiseConv2dNativeBackpropFilter');
  return inKernelScope('wasm', backend, (k) => {
    const padded = k.pad(x, [[0, 0], [g.pad.top, g.pad.bottom], [g.pad.left, g.pad.right], [0, 0]]);
    // [C, N, Hp, Wp]: a tap's read is then [C, N, outH, outW], already [C, rows] in memory.
    const channelsFirst = k.transpose(padded, [3, 0, 1, 2]);
    const rows = g.batch * g.outHeight * g.outWidth;
    const dyByChannel = k.transpose(k.reshape(dy, [rows, c, m]), [1, 2, 0]); // [C, M, rows]
    const taps: tf.TensorInfo[] = [];
    for (let i = 0; i < kh; i++) {
      const [h0, h1] = tapRange(i, g.dilations[0], g.strides[0], g.outHeight);
      for (let j = 0; j < kw; j++) {
        const [w0, w1] = tapRange(j, g.dilations[1], g.strides[1], g.outWidth);
        const read = k.run('StridedSlice', { x: channelsFirst }, {
          begin: [0, 0, h0, w0], end: [c, g.batch, h1, w1], strides: [1, 1, g.strides[0], g.strides[1]],
          beginMask: 0, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0,
        });
        // [C, M, rows] x [C, 1, rows]^T = [C, M, 1]
        taps.push(k.run('BatchMatMul', { a: dyByChannel, b: k.reshape(read, [c, 1, rows]) }, { transposeA: false, transposeB: true }));
      }
    }
    const stacked = taps.length === 1 ? taps[0]! : k.run('Concat', taps, { axis: 2 }); // [C, M, kh * kw]
    return k.reshape(k.transpose(stacked, [2, 0, 1]), [kh, kw, c, m]);
  });
}
