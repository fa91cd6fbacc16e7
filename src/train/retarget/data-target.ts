/**
 * What data looks like for a model that learns or has learned new classes: the backbone's input and
 * preprocessing, with the classes of the data (to train a new head) or of the retargeted variant (to measure it),
 * never the source model's old ones.
 */
import type { DataTarget } from '../../evaluate/dataset';
import { dataTargetFor } from '../../evaluate/target';
import type { OpenedModel } from '../../model/types';
import type { Variant } from '../../recipe/variant';

type TargetModel = Parameters<typeof dataTargetFor>[0];

/**
 * Training data for a new head: classes from the data itself (folder names, a labels file).
 * @example const data = openDataset(files, newClassesTarget(model), { decoder: nodeImageDecoder });
 */
export function newClassesTarget(model: TargetModel): DataTarget {
  const { modelLabels: _oldClasses, numClasses: _oldWidth, ...target } = dataTargetFor(model as OpenedModel);
  return target;
}

/**
 * Data to measure `variant` of `model` on: a retargeted variant's own labels and output width, else the model's.
 * @example const test = openDataset(files, variantTarget(model, variant), { decoder: nodeImageDecoder });
 */
export function variantTarget(model: TargetModel, variant: Pick<Variant, 'retarget'>): DataTarget {
  const labels = variant.retarget?.labels;
  if (!labels) return dataTargetFor(model);
  return { ...newClassesTarget(model), modelLabels: [...labels], numClasses: labels.length };
}
