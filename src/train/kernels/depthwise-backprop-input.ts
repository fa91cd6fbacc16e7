/**
 * DepthwiseConv2dNativeBackpropInput for wasm: the input gradient of a depthwise convolution, for any stride,
 * padding, dilation and channel multiplier.
 *
 * The input gradient is a transposed convolution: dy spread out with stride - 1 zeros between its samples, shifted
 * so that each input position sees the outputs it fed, and correlated with the spatially flipped filter at the
 * same dilation. Each of the C * M output channels is one depthwise channel of multiplier 1 (filter reshaped to
 * [kh, kw, C * M, 1]); the M channels that came from input channel c are then summed.
 */
import type * as tf from '@tensorflow/tfjs';
import { convGeometry, type ConvAttrs } from './conv-geometry';
import { inKernelScope, type KernelScope } from './wasm-scope';

export interface BackpropInputAttrs extends ConvAttrs {
  inputShape: [number, number, number, number];
}

/** Inserts stride - 1 zeros after every row and column of `t` [N, H, W, C]: [N, H * sh, W * sw, C]. */
function spread(k: KernelScope, t: tf.TensorInfo, [sh, sw]: [number, number]): tf.TensorInfo {
  const [n, h, w, c] = t.shape as [number, number, number, number];
  let out = t;
  if (sh > 1) out = k.reshape(k.pad(k.reshape(out, [n, h, 1, w * c]), [[0, 0], [0, 0], [0, sh - 1], [0, 0]]), [n, h * sh, w, c]);
  if (sw > 1) out = k.reshape(k.pad(k.reshape(out, [n * h * sh, w, 1, c]), [[0, 0], [0, 0], [0, sw - 1], [0, 0]]), [n, h * sh, w * sw, c]);
  return out;
}

/** Moves axis `axis` of `t` so index u of the result is index u - shift of `t`, `length` long, zeros outside. */
function place(k: KernelScope, t: tf.TensorInfo, axis: 1 | 2, shift: number, length: number): tf.TensorInfo {
  const have = t.shape[axis]!;
  const cutBefore = Math.max(0, -shift);
  const after = length - (have + shift);
  const cutAfter = Math.max(0, -after);
  const begin = [0, 0, 0, 0];
  const size = [...t.shape];
  begin[axis] = cutBefore;
  size[axis] = have - cutBefore - cutAfter;
  const paddings: [number, number][] = [[0, 0], [0, 0], [0, 0], [0, 0]];
  paddings[axis] = [Math.max(0, shift), Math.max(0, after)];
  return k.pad(k.slice(t, begin, size), paddings);
}

export function depthwiseBackpropInputWasm({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const a = attrs as unknown as BackpropInputAttrs;
  const [kh, kw, c, m] = filter.shape as [number, number, number, number];
  const g = convGeometry(a.inputShape, filter.shape, a, true, 'DepthwiseConv2dNativeBackpropInput');
  const [n, h, w] = a.inputShape;
  const [dh, dw] = g.dilations;
  return inKernelScope('wasm', backend, (k) => {
    let spreadDy = spread(k, dy, g.strides);
    // Input row y gets output p from tap i when y = p * s + i * d - top; with the flipped tap i' = kh - 1 - i, a
    // valid correlation at dilation d reads the spread dy shifted by (kh - 1) * d - top.
    const reach = [(kh - 1) * dh, (kw - 1) * dw] as const;
    spreadDy = place(k, spreadDy, 1, reach[0] - g.pad.top, h + reach[0]);
    spreadDy = place(k, spreadDy, 2, reach[1] - g.pad.left, w + reach[1]);
    const flipped = k.reshape(k.run('Reverse', { x: filter }, { dims: [0, 1] }), [kh, kw, c * m, 1]);
    const perOutput = k.run('DepthwiseConv2dNative', { x: spreadDy, filter: flipped }, {
      strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [dh, dw],
    }); // [N, H, W, C * M]
    if (m === 1) return k.reshape(perOutput, [n, h, w, c]);
    return k.run('Sum', { x: k.reshape(perOutput, [n, h, w, c, m]) }, { axis: [4], keepDims: false });
  });
}
