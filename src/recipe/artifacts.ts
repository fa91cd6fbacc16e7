/**
 * A variant as in-memory artifacts with plain (decoded) weights: float32/int32/bool specs and the decoded values,
 * no quantization blocks. Loading these with tf.io.fromMemory gives exactly the weights the stock loader decodes
 * from the export, without writing one: how variants are measured, and the reference the export is checked against.
 */
import type * as tf from '@tensorflow/tfjs';
import { bytesOf, concatBytes } from '../bytes';
import type { OpenedModel } from '../model/types';
import type { Variant } from './variant';

/**
 * The model's artifacts (signature, metadata) with the variant's topology and decoded weights.
 * @example const m = await loadTfModel(variantArtifacts(model, variant), model.format);
 */
export function variantArtifacts(model: OpenedModel, variant: Variant): tf.io.ModelArtifacts {
  const data = concatBytes(variant.weights.map((w) => bytesOf(w.values)));
  return {
    ...model.artifacts,
    format: variant.format,
    ...(variant.signature !== undefined ? { signature: variant.signature } : {}),
    modelTopology: variant.modelTopology,
    weightSpecs: variant.weights.map((w) => ({ name: w.name, shape: [...w.shape], dtype: w.dtype })),
    weightData: data.buffer,
  };
}
