/**
 * Loads artifacts into stock TF.js, exactly as a user's page would with tf.loadLayersModel / tf.loadGraphModel,
 * through tf.io.fromMemory. Used to measure models and to prove that exports round-trip through the stock loader.
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelFormat } from './types';

export function loadTfModel(artifacts: tf.io.ModelArtifacts, format: 'layers-model'): Promise<tf.LayersModel>;
export function loadTfModel(artifacts: tf.io.ModelArtifacts, format: 'graph-model'): Promise<tf.GraphModel>;
export function loadTfModel(artifacts: tf.io.ModelArtifacts, format: ModelFormat): Promise<tf.LayersModel | tf.GraphModel>;
/**
 * @param artifacts model artifacts with weightData as one ArrayBuffer (OpenedModel.artifacts)
 * @param format which stock loader to use
 * @example
 *   const model = await loadTfModel(opened.artifacts, 'layers-model');
 *   model.countParams();
 */
export async function loadTfModel(
  artifacts: tf.io.ModelArtifacts,
  format: ModelFormat,
): Promise<tf.LayersModel | tf.GraphModel> {
  const handler = tf.io.fromMemory(artifacts);
  return format === 'layers-model' ? tf.loadLayersModel(handler) : tf.loadGraphModel(handler);
}
