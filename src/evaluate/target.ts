/**
 * The bridge from an opened model (formats/) to the data readers: what input the model takes, how to
 * preprocess for it, which classes it names. The worker and `pare eval` build a DataTarget here, show its
 * preprocessing to the user, and pass it (possibly edited) to `openDataset`.
 */
import type { OpenedModel } from '../model/types';
import type { DataTarget } from './dataset';
import { inferPreprocessing, normaliseShape, readModelMetadata, type Preprocessing } from './preprocessing';

/**
 * States what data for `model` must look like.
 *
 * @param model an opened model (its first input is used)
 * @param preprocessing the user's choice, replacing the inferred one
 * @example
 *   const target = dataTargetFor(await openModel(files));
 *   target.preprocessing.description // "Images are resized to 28x28, converted to grayscale and scaled to ..."
 */
export function dataTargetFor(
  model: Pick<OpenedModel, 'inputs' | 'outputs' | 'labels' | 'artifacts' | 'reader'>,
  preprocessing?: Preprocessing,
): DataTarget {
  const input = model.inputs[0];
  const inputShape = normaliseShape(input?.shape ?? [null]);
  // Teachable Machine keeps its metadata.json beside the model, not in it; its image models take [-1, 1]. A model
  // Pare retargeted has one too, and states its own preprocessing in its model.json, which wins.
  const own = model.artifacts.userDefinedMetadata;
  const statesOwn = readModelMetadata(own).scale !== undefined;
  const metadata = model.reader === 'teachable-machine' && inputShape.length === 4 && inputShape[3] === 3 && !statesOwn
    ? { tmVersion: 'unknown', labels: model.labels }
    : own;
  const outShape = model.outputs[0]?.shape;
  const width = outShape && outShape.length >= 2 ? outShape[outShape.length - 1] : null;
  return {
    inputShape,
    preprocessing: preprocessing ?? inferPreprocessing(inputShape, metadata, input?.dtype ?? 'float32'),
    modelLabels: model.labels,
    numClasses: width !== null && width !== undefined && width > 0 ? (width === 1 ? 2 : width) : undefined,
  };
}
