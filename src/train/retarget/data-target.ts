/**
 * What training data for a new head must look like: the backbone's input and preprocessing, but none of the
 * model's own class names, since the new classes come from the data (folder names or a labels file).
 */
import type { DataTarget } from '../../evaluate/dataset';
import { dataTargetFor } from '../../evaluate/target';
import type { OpenedModel } from '../../model/types';

/**
 * @example const data = openDataset(files, newClassesTarget(model), { decoder: nodeImageDecoder });
 */
export function newClassesTarget(model: Parameters<typeof dataTargetFor>[0]): DataTarget {
  const { modelLabels: _oldClasses, numClasses: _oldWidth, ...target } = dataTargetFor(model as OpenedModel);
  return target;
}
