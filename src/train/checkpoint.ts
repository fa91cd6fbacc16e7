/**
 * Checkpoints: copies of every weight of a model (trainable or not: batch-norm statistics move while training),
 * taken after an epoch and written back when training ends.
 */
import * as tf from '@tensorflow/tfjs';
import type { TrainableModel } from './types';

export type Snapshot = Float32Array[];

export function snapshotWeights(model: TrainableModel): Snapshot {
  // slice(): a backend may hand out a view of its own memory.
  return model.weights.map((w) => (w.read().dataSync() as Float32Array).slice());
}

export function restoreWeights(model: TrainableModel, snapshot: Snapshot): void {
  tf.tidy(() => model.weights.forEach((w, i) => w.write(tf.tensor(snapshot[i]!, w.read().shape, w.dtype))));
}
