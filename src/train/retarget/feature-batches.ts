/**
 * How retarget batches the backbone's features, without TF.js: the recipe runner counts its progress units from
 * this before any model is loaded, and the CLI's static imports must not pull TF.js in (cli-startup.test.ts).
 */
import type { Dataset } from '../../evaluate/dataset';

/** Samples run through the backbone at once. */
export const FEATURE_BATCH = 32;

/** Batches `computeFeatures` will run for `data`: its progress units. */
export function featureBatches(data: Pick<Dataset, 'size'>): number {
  return Math.ceil(data.size / FEATURE_BATCH);
}
