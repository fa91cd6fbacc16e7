/**
 * The wasm backend of TF.js 4.22 has no Conv2DBackpropFilter kernel (the weight gradient of conv2d), so a
 * Conv2D layer cannot train on it. It does have a native Conv3DBackpropFilterV2; a 2-D convolution is a 3-D one
 * of depth 1, so this file registers Conv2DBackpropFilter for wasm as that kernel over depth-1 views of the same
 * buffers (no copies).
 *
 * Only stride 1 and dilation 1 are allowed: with strides above 1 the wasm Conv3DBackpropFilterV2 gives wrong
 * gradients (measured against a plain-JS reference and the cpu backend), so such convolutions must train on cpu.
 * The sample CNN uses stride 1 everywhere; pooling does the downsampling.
 */
import * as tf from '@tensorflow/tfjs';

interface BackpropFilterAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: string;
  filterShape: [number, number, number, number];
}

function depthOne(t: tf.TensorInfo): tf.TensorInfo {
  return { dataId: t.dataId, shape: [t.shape[0], 1, ...t.shape.slice(1)], dtype: t.dtype };
}

/** Registers the kernel once; a later TF.js that ships its own is left alone. */
export function registerWasmConv2DBackpropFilter(): void {
  if (tf.getKernel('Conv2DBackpropFilter', 'wasm')) return;
  tf.registerKernel({
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
      const a = attrs as unknown as BackpropFilterAttrs;
      const strides = typeof a.strides === 'number' ? [a.strides, a.strides] : a.strides;
      if (strides[0] !== 1 || strides[1] !== 1 || a.dataFormat === 'NCHW' || a.dimRoundingMode) {
        throw new Error(
          `The wasm Conv2DBackpropFilter shim handles NHWC, stride 1 only; got strides [${strides}], ` +
            `${a.dataFormat}. Train this model with --backend cpu.`,
        );
      }
      const conv3d = tf.getKernel('Conv3DBackpropFilterV2', 'wasm');
      if (!conv3d) throw new Error('The wasm backend has no Conv3DBackpropFilterV2 kernel.');
      const dw = conv3d.kernelFunc({
        inputs: { x: depthOne(x), dy: depthOne(dy) },
        backend,
        attrs: { strides: [1, 1, 1], pad: a.pad, filterShape: [1, ...a.filterShape] },
      }) as tf.TensorInfo;
      // Same buffer, 4-D shape: [1, h, w, in, out] and [h, w, in, out] hold the same elements in the same order.
      return { dataId: dw.dataId, shape: [...a.filterShape], dtype: dw.dtype };
    },
  });
}
