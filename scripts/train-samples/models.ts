/**
 * The two sample architectures. Both take [28, 28, 1] grayscale images scaled to [0, 1] (NHWC), so one
 * preprocessing and one evaluation set serve both; the MLP flattens first (Flatten has no weights, so its
 * parameter count is LeNet-300-100's 266,610). Layer names are fixed so model.json does not depend on how many
 * layers were built before, and every initialiser has its own seed so the starting weights are reproducible.
 */
import * as tf from '@tensorflow/tfjs';

export interface SampleSpec {
  id: 'fashion-mlp' | 'fashion-cnn';
  name: string;
  description: string;
  build: (seed: number) => tf.LayersModel;
}

const INPUT_SHAPE = [28, 28, 1];

function glorot(seed: number) {
  return tf.initializers.glorotUniform({ seed });
}

function dense(name: string, units: number, activation: 'relu' | 'softmax', seed: number) {
  return tf.layers.dense({ name, units, activation, kernelInitializer: glorot(seed), biasInitializer: 'zeros' });
}

/** LeNet-300-100: 784-300-100-10, ReLU, softmax output. */
export function buildMlp(seed: number): tf.LayersModel {
  return tf.sequential({
    name: 'fashion_mlp',
    layers: [
      tf.layers.flatten({ name: 'flatten', inputShape: INPUT_SHAPE }),
      dense('fc1', 300, 'relu', seed + 1),
      dense('fc2', 100, 'relu', seed + 2),
      dense('fc3', 10, 'softmax', seed + 3),
    ],
  });
}

/**
 * LeNet-5 as usually adapted to 28x28 inputs: conv 6@5x5 'same' -> max-pool 2 -> conv 16@5x5 'valid' ->
 * max-pool 2 -> dense 120 -> 84 -> 10, with ReLU instead of tanh and max- instead of average-pooling
 * (61,706 parameters, as the original). Every convolution has stride 1 (pooling downsamples).
 */
export function buildCnn(seed: number): tf.LayersModel {
  const conv = (name: string, filters: number, padding: 'same' | 'valid', s: number, first = false) =>
    tf.layers.conv2d({
      name,
      filters,
      kernelSize: 5,
      strides: 1,
      padding,
      activation: 'relu',
      kernelInitializer: glorot(s),
      biasInitializer: 'zeros',
      ...(first ? { inputShape: INPUT_SHAPE } : {}),
    });
  return tf.sequential({
    name: 'fashion_cnn',
    layers: [
      conv('conv1', 6, 'same', seed + 1, true),
      tf.layers.maxPooling2d({ name: 'pool1', poolSize: 2, strides: 2 }),
      conv('conv2', 16, 'valid', seed + 2),
      tf.layers.maxPooling2d({ name: 'pool2', poolSize: 2, strides: 2 }),
      tf.layers.flatten({ name: 'flatten' }),
      dense('fc1', 120, 'relu', seed + 3),
      dense('fc2', 84, 'relu', seed + 4),
      dense('fc3', 10, 'softmax', seed + 5),
    ],
  });
}

export const SAMPLES: SampleSpec[] = [
  {
    id: 'fashion-mlp',
    name: 'Fashion-MNIST MLP 784-300-100-10',
    description:
      'LeNet-300-100, the fully connected network of the pruning literature, trained on Fashion-MNIST: ' +
      'flattens a 28x28 grayscale image and classifies it into 10 kinds of clothing.',
    build: buildMlp,
  },
  {
    id: 'fashion-cnn',
    name: 'Fashion-MNIST LeNet-5 CNN',
    description:
      'A small LeNet-5-style convolutional network (two 5x5 convolutions, max-pooling, dense 120-84-10) ' +
      'trained on Fashion-MNIST: classifies a 28x28 grayscale image into 10 kinds of clothing.',
    build: buildCnn,
  },
];
