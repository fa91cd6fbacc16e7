/**
 * Test-only: tiny layers models built with TF.js itself and saved with tf.io.withSaveHandler, with weights set
 * to seeded random values (batch-norm variances kept positive) so nothing decodes to trivial zeros and ones.
 */
import * as tf from '@tensorflow/tfjs';

let ready: Promise<void> | null = null;

/** cpu backend, quiet, once per test process. */
export function useCpu(): Promise<void> {
  ready ??= (async () => {
    tf.enableProdMode();
    await tf.setBackend('cpu');
    await tf.ready();
  })();
  return ready;
}

/** Saves a model to in-memory artifacts, the same bytes `model.save('downloads://')` would write. */
export async function saveArtifacts(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return saved as tf.io.ModelArtifacts;
}

/** Replaces every weight with seeded uniform values; variances in (0.5, 1.5). */
export function randomizeWeights(model: tf.LayersModel, seed = 7): void {
  const values = model.weights.map((w, i) =>
    w.originalName.endsWith('moving_variance')
      ? tf.randomUniform(w.shape as number[], 0.5, 1.5, 'float32', seed + i)
      : tf.randomUniform(w.shape as number[], -1, 1, 'float32', seed + i),
  );
  model.setWeights(values);
  values.forEach((v) => v.dispose());
}

/** An MLP with batch norm: Dense 6 -> 5 (relu) -> BN -> Dense 3 (softmax). */
export function denseModel(): tf.Sequential {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [6], units: 5, activation: 'relu', name: 'hidden' }),
      tf.layers.batchNormalization({ name: 'hidden_bn' }),
      tf.layers.dense({ units: 3, activation: 'softmax', name: 'probs' }),
    ],
  });
  randomizeWeights(model);
  return model;
}

/** A small CNN with every prunable layer kind and batch norm, as a functional model with two branches. */
export function convModel(): tf.LayersModel {
  const input = tf.input({ shape: [12, 12, 2], name: 'image' });
  let x = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', name: 'conv' }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.batchNormalization({ name: 'conv_bn' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.reLU({ name: 'conv_relu' }).apply(x) as tf.SymbolicTensor;
  const a = tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, strides: 2, name: 'dw' }).apply(x) as tf.SymbolicTensor;
  const b = tf.layers.separableConv2d({ filters: 8, kernelSize: 3, strides: 2, name: 'sep' }).apply(x) as tf.SymbolicTensor;
  let y = tf.layers.concatenate({ name: 'merge' }).apply([a, b]) as tf.SymbolicTensor;
  y = tf.layers.conv2dTranspose({ filters: 3, kernelSize: 2, strides: 2, name: 'up' }).apply(y) as tf.SymbolicTensor;
  y = tf.layers.maxPooling2d({ poolSize: 2, name: 'pool' }).apply(y) as tf.SymbolicTensor;
  y = tf.layers.flatten({ name: 'flat' }).apply(y) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 4, activation: 'softmax', name: 'out' }).apply(y) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: out, name: 'small_cnn' });
  randomizeWeights(model, 11);
  return model;
}

/** A sequence model: Embedding -> Conv1D -> GlobalMaxPooling1D -> Dense, embeddings not prunable. */
export function sequenceModel(): tf.Sequential {
  const model = tf.sequential({
    layers: [
      tf.layers.embedding({ inputDim: 20, outputDim: 4, inputLength: 7, name: 'embed' }),
      tf.layers.conv1d({ filters: 5, kernelSize: 3, name: 'conv1d' }),
      tf.layers.globalMaxPooling1d({ name: 'gmp' }),
      tf.layers.dense({ units: 2, name: 'logits' }),
    ],
  });
  randomizeWeights(model, 3);
  return model;
}

/** A Teachable-Machine-shaped model: a Sequential wrapping a nested feature Sequential and a head Sequential. */
export function nestedModel(): tf.Sequential {
  const features = tf.sequential({
    name: 'features',
    layers: [
      tf.layers.conv2d({ inputShape: [8, 8, 3], filters: 4, kernelSize: 3, name: 'f_conv' }),
      tf.layers.globalAveragePooling2d({ name: 'f_gap' }),
    ],
  });
  const head = tf.sequential({
    name: 'head',
    layers: [tf.layers.dense({ inputShape: [4], units: 6, activation: 'relu', name: 'h_dense' }), tf.layers.dense({ units: 2, activation: 'softmax', name: 'h_out' })],
  });
  const model = tf.sequential({ name: 'tm', layers: [features, head] });
  randomizeWeights(model, 5);
  return model;
}
