/**
 * The data a recipe's steps name (`"data": "calibration"`, `"training"`), opened from `--data` paths as `pare
 * eval` opens them, with the fingerprint the applied recipe records.
 */
import { nodeImageDecoder } from '../data/node-decoder';
import { openDataset } from '../data/open-dataset';
import { dataTargetFor } from '../evaluate/target';
import type { OpenedModel } from '../model/types';
import { dataFingerprint } from '../recipe/fingerprint';
import type { RecipeData } from '../recipe/run/context';
import type { Recipe } from '../recipe/schema';
import { newClassesTarget } from '../train/retarget/data-target';
import { readDataPaths } from './eval-data';

/**
 * Opens `paths` for `model` (its preprocessing, and its classes unless the recipe teaches new ones) as the data of a recipe.
 * @example const data = await openRecipeData(['train-images.gz', 'train-labels.gz'], model);
 */
export async function openRecipeData(paths: string[], model: OpenedModel, options: { newClasses?: boolean } = {}): Promise<RecipeData> {
  const files = await readDataPaths(paths);
  // A retarget step learns the data's own classes (folder names, a labels file), not the model's.
  const target = options.newClasses ? newClassesTarget(model) : dataTargetFor(model);
  // The fingerprint is taken before opening: readers may unpack and transfer what they are given.
  const fingerprint = await dataFingerprint(files, { preprocessing: target.preprocessing, labels: target.modelLabels ?? null });
  return { fingerprint, dataset: openDataset(files, target, { decoder: nodeImageDecoder }) };
}
