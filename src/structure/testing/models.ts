/**
 * Test-only: models with batch norms in every position folding and graph export must handle, built with TF.js
 * and given seeded random weights and batch-norm statistics (a BN with gamma 1, beta 0, mean 0, variance 1 is an
 * identity, and folding it would prove nothing). Plus the real models and data the tests measure on.
 */
import * as tf from '@tensorflow/tfjs';
import { openModel } from '../../formats';
import { artifactsToFiles } from '../../formats/testing/encode';
import { randomizeWeights, saveArtifacts } from '../../formats/testing/build-models';
import { realFiles } from '../../formats/testing/files';
import type { OpenedModel } from '../../model/types';

const sym = (layer: tf.layers.Layer, x: tf.SymbolicTensor | tf.SymbolicTensor[]) => layer.apply(x) as tf.SymbolicTensor;

/**
 * A Fashion-MNIST-shaped functional CNN (28x28x1 -> 10): Conv2D without bias + BN + ReLU6, a residual Add,
 * DepthwiseConv2D + BN, Conv2D with bias + BN, a BN after a ReLU conv (cannot fold), ZeroPadding2D, pooling,
 * Concatenate, Dense + BN, Dropout and a softmax head.
 */
export function batchNormCnn(): tf.LayersModel {
  const input = tf.input({ shape: [28, 28, 1], name: 'image' });
  let x = sym(tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', useBias: false, name: 'stem' }), input);
  x = sym(tf.layers.batchNormalization({ name: 'stem_bn' }), x);
  x = sym(tf.layers.reLU({ maxValue: 6, name: 'stem_relu' }), x);
  let d = sym(tf.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', useBias: false, name: 'dw' }), x);
  d = sym(tf.layers.batchNormalization({ name: 'dw_bn' }), d);
  d = sym(tf.layers.activation({ activation: 'relu', name: 'dw_relu' }), d);
  x = sym(tf.layers.add({ name: 'residual' }), [x, d]);
  x = sym(tf.layers.zeroPadding2d({ padding: [[0, 1], [0, 1]], name: 'pad' }), x);
  x = sym(tf.layers.maxPooling2d({ poolSize: 2, name: 'pool' }), x);
  let s = sym(tf.layers.conv2d({ filters: 12, kernelSize: 3, padding: 'same', name: 'sep' }), x);
  s = sym(tf.layers.batchNormalization({ name: 'sep_bn' }), s);
  let r = sym(tf.layers.conv2d({ filters: 4, kernelSize: 1, activation: 'relu', name: 'relu_conv' }), x);
  r = sym(tf.layers.batchNormalization({ name: 'after_relu_bn' }), r);
  x = sym(tf.layers.concatenate({ name: 'merge' }), [s, r]);
  x = sym(tf.layers.averagePooling2d({ poolSize: 2, strides: 2, padding: 'same', name: 'avg' }), x);
  x = sym(tf.layers.flatten({ name: 'flat' }), x);
  x = sym(tf.layers.dense({ units: 16, name: 'fc' }), x);
  x = sym(tf.layers.batchNormalization({ name: 'fc_bn' }), x);
  x = sym(tf.layers.activation({ activation: 'elu', name: 'fc_elu' }), x);
  x = sym(tf.layers.dropout({ rate: 0.3, name: 'drop' }), x);
  const out = sym(tf.layers.dense({ units: 10, activation: 'softmax', name: 'probs' }), x);
  const model = tf.model({ inputs: input, outputs: out, name: 'bn_cnn' });
  randomizeWeights(model, 21);
  return model;
}

/**
 * A Sequential: Conv2D + BN + ReLU, SeparableConv2D + BN, GlobalAveragePooling2D, Dense + BN, tanh head. (The
 * separable conv has depth multiplier 1: stock TF.js 4.22 fails to reload its own SeparableConv2D with another one,
 * "Shape mismatch: [3,3,6,1] vs. [3,3,6,2]".)
 */
export function batchNormSequential(): tf.Sequential {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 6, kernelSize: 5, strides: 2, name: 'c1' }),
      tf.layers.batchNormalization({ name: 'c1_bn' }),
      tf.layers.reLU({ name: 'c1_relu' }),
      tf.layers.separableConv2d({ filters: 7, kernelSize: 3, padding: 'same', name: 'sep' }),
      tf.layers.batchNormalization({ name: 'sep_bn' }),
      tf.layers.globalAveragePooling2d({ name: 'gap' }),
      tf.layers.dense({ units: 5, useBias: false, name: 'd1' }),
      tf.layers.batchNormalization({ name: 'd1_bn' }),
      tf.layers.dense({ units: 3, activation: 'tanh', name: 'out' }),
    ],
  });
  randomizeWeights(model, 5);
  return model;
}

export async function openBuilt(model: tf.LayersModel, dir: string): Promise<OpenedModel> {
  return openModel(artifactsToFiles(await saveArtifacts(model), { dir }));
}

export function openMobileNet(): Promise<OpenedModel> {
  return openModel(realFiles('nsfwjs-mobilenet-v2'));
}

/** Largest absolute difference over the largest magnitude of `reference`. */
export function relativeError(actual: ArrayLike<number>, reference: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < reference.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i]! - reference[i]!));
    scale = Math.max(scale, Math.abs(reference[i]!));
  }
  return scale === 0 ? diff : diff / scale;
}
