/**
 * The gradient kernels Pare adds to TF.js's wasm backend, so layers models with convolutions train there: 4.22
 * ships no Conv2DBackpropFilter, DepthwiseConv2dNativeBackpropFilter or DepthwiseConv2dNativeBackpropInput for
 * wasm. Each is built from kernels wasm has (pad, strided slice, transpose, matrix product, depthwise convolution)
 * and checked against the cpu backend's gradients in kernels.test.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { conv2dBackpropFilterWasm } from './conv2d-backprop-filter';
import { depthwiseBackpropFilterWasm } from './depthwise-backprop-filter';
import { depthwiseBackpropInputWasm } from './depthwise-backprop-input';

const KERNELS: [string, tf.KernelFunc][] = [
  ['Conv2DBackpropFilter', conv2dBackpropFilterWasm as tf.KernelFunc],
  ['DepthwiseConv2dNativeBackpropFilter', depthwiseBackpropFilterWasm as tf.KernelFunc],
  ['DepthwiseConv2dNativeBackpropInput', depthwiseBackpropInputWasm as tf.KernelFunc],
];

/** The kernel names this file provides for wasm. */
export const WASM_TRAINING_KERNELS = KERNELS.map(([name]) => name);

/**
 * Registers the wasm gradient kernels once per process (or worker). A kernel already registered for wasm — a later
 * TF.js's own, or an earlier call's — is left alone, so calling this again is harmless. Registration does not need
 * the wasm backend to have started.
 * @example registerWasmTrainingKernels(); // then model.fit on wasm works for Conv2D and DepthwiseConv2D layers
 */
export function registerWasmTrainingKernels(): void {
  for (const [kernelName, kernelFunc] of KERNELS) {
    if (!tf.getKernel(kernelName, 'wasm')) tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
  }
}
