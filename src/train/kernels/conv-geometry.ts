/**
 * The geometry a convolution's gradient kernels share: strides, dilations, the padding actually applied on each
 * side (from 'same', 'valid' or explicit padding, as the forward kernel computed it) and the output size.
 */
import * as tf from '@tensorflow/tfjs';

export interface ConvGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  filterHeight: number;
  filterWidth: number;
  strides: [number, number];
  dilations: [number, number];
  /** Zeros added above, below, left and right of the input. */
  pad: { top: number; bottom: number; left: number; right: number };
}

export interface ConvAttrs {
  strides: number | [number, number];
  dilations?: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat?: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

const pair = (v: number | [number, number] | undefined): [number, number] => (v === undefined ? [1, 1] : typeof v === 'number' ? [v, v] : [v[0], v[1]]);

/** The geometry of a forward convolution of `xShape` (NHWC) with a filter of `filterShape`. */
export function convGeometry(xShape: number[], filterShape: number[], attrs: ConvAttrs, depthwise: boolean, kernel: string): ConvGeometry {
  if (attrs.dataFormat === 'NCHW') {
    throw new Error(`${kernel} on wasm handles channels-last (NHWC) data only, as the wasm forward convolution does; found NCHW.`);
  }
  const strides = pair(attrs.strides);
  const dilations = pair(attrs.dilations);
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    strides,
    dilations,
    attrs.pad,
    attrs.dimRoundingMode,
    depthwise,
  );
  const { top, bottom, left, right } = info.padInfo;
  return {
    batch: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    inChannels: info.inChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    strides,
    dilations,
    pad: { top, bottom, left, right },
  };
}

/**
 * The input rows (or columns) one filter tap reads, in the padded input: tap `k` reads positions
 * k * dilation + p * stride for p = 0 .. out - 1. Returns the begin and the exclusive end for a strided slice.
 */
export function tapRange(k: number, dilation: number, stride: number, out: number): [number, number] {
  const begin = k * dilation;
  return [begin, begin + (out - 1) * stride + 1];
}
