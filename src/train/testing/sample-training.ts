/**
 * Test-only: the sample MLP loaded for training (logits), and a slice of Fashion-MNIST's real training images.
 */
import * as tf from '@tensorflow/tfjs';
import { openSample, trainingSet } from '../../calibrate/testing/fashion';
import { inMemoryDataset, type Dataset } from '../../evaluate/dataset';
import type { OpenedModel } from '../../model/types';
import { pruneGlobal } from '../../prune';
import { workingArtifacts, workingModelOf, type WorkingModel } from '../../recipe/working-model';
import { trainingTopology } from '../training-topology';

/** The first `count` samples of `data` (in memory). */
export function firstSamples(data: Dataset, count: number): Dataset {
  const per = data.sampleShape.reduce((a, b) => a * b, 1);
  return inMemoryDataset({ ...data, inputs: data.inputs!.subarray(0, count * per), labels: data.labels!.subarray(0, count) });
}

/** The working model of `model` with every prunable kernel pruned together to `sparsity` by magnitude. */
export function prunedWorking(model: OpenedModel, sparsity: number): WorkingModel {
  const working = workingModelOf(model);
  const idx = working.weights.flatMap((w, i) => (w.prunable ? [i] : []));
  const r = pruneGlobal(idx.map((i) => working.weights[i]!.values as Float32Array), sparsity);
  const weights = [...working.weights];
  idx.forEach((i, j) => (weights[i] = { ...weights[i]!, values: r.values[j]!, masked: true }));
  return { ...working, weights };
}

/** The working model loaded into TF.js with its final softmax made linear. */
export async function loadForTraining(working: WorkingModel): Promise<tf.LayersModel> {
  const artifacts = workingArtifacts(working);
  const { topology } = trainingTopology(artifacts.modelTopology);
  return tf.loadLayersModel(tf.io.fromMemory({ ...artifacts, modelTopology: topology as tf.io.ModelArtifacts['modelTopology'] }));
}

export async function sampleMlp(): Promise<{ model: OpenedModel; train: Dataset }> {
  const model = await openSample('fashion-mlp');
  return { model, train: trainingSet(model) };
}

/** Top-1 accuracy of `model` on `data` (argmax of logits or probabilities alike). */
export function accuracyOn(model: tf.LayersModel, data: Dataset): number {
  return tf.tidy(() => {
    const x = tf.tensor(data.inputs!, [data.size, ...data.sampleShape]);
    const predicted = (model.predict(x) as tf.Tensor).argMax(1);
    return tf.sum(tf.cast(tf.equal(predicted, tf.tensor1d(data.labels!, 'int32')), 'int32')).dataSync()[0]! / data.size;
  });
}

/** Every weight's values, by name. */
export function weightValues(model: tf.LayersModel): Map<string, Float32Array> {
  return new Map(model.weights.map((w) => [w.originalName, (w.read().dataSync() as Float32Array).slice()]));
}
