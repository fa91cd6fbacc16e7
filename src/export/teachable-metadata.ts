/**
 * metadata.json beside model.json for models with new classes, in the shape Teachable Machine's image library
 * reads (`tmImage.load(modelURL, metadataURL)`: `labels` in output order, `imageSize`, `modelName`,
 * `userMetadata`), so apps written for Teachable Machine exports load a retargeted model; Pare reopens it too.
 * No time stamp: the same variant gives the same bytes. That library crops to `imageSize` and scales pixels to
 * [-1, 1]; `userMetadata.pare.preprocessing` states what this model was trained with.
 */
import type { OpenedModel } from '../model/types';
import type { Variant } from '../recipe/variant';
import type { ExportFile } from './types';

export const TEACHABLE_METADATA_NAME = 'metadata.json';

/** The metadata.json of a retargeted layers variant, or null (no new classes, or a graph model). */
export function teachableMetadataFile(model: OpenedModel, variant: Variant): ExportFile | null {
  const r = variant.retarget;
  // Teachable Machine's libraries load layers models only.
  if (!r || variant.format !== 'layers-model') return null;
  const json = {
    modelName: `${model.sourceName ?? 'model'}-retarget`,
    labels: r.labels,
    ...(r.preprocessing ? { imageSize: r.preprocessing.height } : {}),
    userMetadata: {
      pare: {
        recipeHash: variant.recipeHash,
        cut: r.cut.layer,
        preprocessing: r.preprocessing,
        validationAccuracy: r.validation?.accuracy ?? null,
      },
    },
  };
  return { name: TEACHABLE_METADATA_NAME, data: new TextEncoder().encode(JSON.stringify(json, null, 2)) };
}
