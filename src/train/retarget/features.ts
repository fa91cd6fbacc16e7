/**
 * The frozen backbone's features for every sample, computed once (the head then trains on them for many epochs
 * without running the backbone again). Batched so that only one batch of activations is alive at a time; the
 * features themselves are held as one Float32Array, refused up front when they would not fit a sane budget.
 */
import * as tf from '@tensorflow/tfjs';
import { PareError, bytesText } from '../../errors';
import { countText, sampleSize, type Dataset } from '../../evaluate/dataset';
import { FEATURE_BATCH } from './feature-batches';

/** Largest feature table retarget holds in memory (samples x features x 4 bytes). */
export const MAX_FEATURE_BYTES = 1024 * 1024 * 1024;

export interface Features {
  /** count x dim floats, row-major. */
  values: Float32Array;
  labels: Int32Array;
  count: number;
  dim: number;
}

export interface FeatureOptions {
  checkAbort(): void;
  /** Called after each batch. */
  tick(): Promise<void>;
  where: string;
}

/** The frozen part as a function: a batch of inputs to the cut's output, in inference mode. */
export interface Backbone {
  run(x: tf.Tensor): tf.Tensor;
  /** Values per sample at the cut. */
  dim: number;
}

/** A truncated layers model as a backbone (predict: batch norm uses its moving statistics, dropout is off). */
export function layersBackbone(model: tf.LayersModel): Backbone {
  const outShape = model.outputs[0]!.shape.slice(1) as number[];
  return { run: (x) => model.predict(x) as tf.Tensor, dim: outShape.reduce((a, b) => a * b, 1) };
}

/**
 * Runs `backbone` (inputs -> the cut's output) over every sample of `data` and returns the flattened outputs
 * with the samples' labels.
 * @example const f = await computeFeatures(layersBackbone(truncated), data, { where: 'recipe.steps[0]', checkAbort, tick });
 */
export async function computeFeatures(backbone: Backbone, data: Dataset, options: FeatureOptions): Promise<Features> {
  const dim = backbone.dim;
  const bytes = data.size * dim * 4;
  if (bytes > MAX_FEATURE_BYTES) {
    throw new PareError(
      'too-large',
      `${options.where}: the cut's output has ${countText(dim)} values per sample, so ${countText(data.size)} samples need ${bytesText(bytes)} of features (at most ${bytesText(MAX_FEATURE_BYTES)}); cut at a later, smaller layer or give fewer images.`,
    );
  }
  const values = new Float32Array(data.size * dim);
  const labels = new Int32Array(data.size);
  const inputShape = data.sampleShape;
  let count = 0;
  for (let start = 0; start < data.size; start += FEATURE_BATCH) {
    options.checkAbort();
    const batch = await data.batch(start, Math.min(start + FEATURE_BATCH, data.size));
    if (!batch.labels) throw new PareError('bad-data', `${options.where} trains a new head and needs labelled data (one folder per class, or labels); this data has no labels.`);
    if (batch.count > 0) {
      const out = tf.tidy(() => {
        const x = tf.tensor(batch.inputs, [batch.count, ...inputShape]);
        return backbone.run(x).reshape([batch.count, dim]);
      });
      values.set(await out.data(), count * dim);
      out.dispose();
      labels.set(batch.labels, count);
      count += batch.count;
    }
    await options.tick();
  }
  if (sampleSize(inputShape) === 0 || count === 0) throw new PareError('bad-data', `${options.where}: the training data holds no usable samples.`);
  return { values: values.subarray(0, count * dim), labels: labels.subarray(0, count), count, dim };
}
