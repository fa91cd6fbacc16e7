/**
 * Export: a variant -> model.json + weight shards in the input's format (layers stays layers, graph stays graph),
 * that stock `tf.loadLayersModel` / `tf.loadGraphModel` load unchanged; plus a zip and the sizes.
 */
import type { OpenedModel } from '../model/types';
import type { Recipe } from '../recipe/schema';
import type { Variant } from '../recipe/variant';
import { buildModelJson } from './model-json';
import { shardName, shardsOf } from './shards';
import { sizesOf, type ExportSizes } from './sizes';
import type { ExportFile } from './types';
import { teachableMetadataFile } from './teachable-metadata';

export type { ExportFile } from './types';
export type { ExportSizes } from './sizes';
export { GZIP_LEVEL, sourceSizes, gzipBytes } from './sizes';
export { zipExport } from './zip';
export { SHARD_BYTES } from './shards';

/** The name the export gives its model.json, whatever the input's was (e.g. `emotion.json`). */
export const MODEL_JSON_NAME = 'model.json';

export interface ExportResult {
  /** model.json first, then the shards in order, then metadata.json when a step gave the model new classes. */
  files: ExportFile[];
  sizes: ExportSizes;
}

/**
 * Writes `variant` of `model` as model.json plus shards of at most 4 MB named group1-shard{N}of{M}.bin, with
 * `recipe` recorded in `userDefinedMetadata.pare`. Deterministic: the same model and variant give the same bytes.
 * @example const { files, sizes } = exportVariant(model, await applyRecipe(model, recipe), recipe);
 */
export function exportVariant(model: OpenedModel, variant: Variant, recipe: Recipe): ExportResult {
  const shards = shardsOf(variant.weights.map((w) => w.stored.bytes));
  const paths = shards.map((_, i) => shardName(i, shards.length));
  const json = buildModelJson(model, variant, recipe, paths);
  const modelJson = new TextEncoder().encode(JSON.stringify(json));
  const files: ExportFile[] = [
    { name: MODEL_JSON_NAME, data: modelJson },
    ...shards.map((data, i) => ({ name: paths[i]!, data })),
  ];
  const metadata = teachableMetadataFile(model, variant);
  if (metadata) files.push(metadata);
  return { files, sizes: sizesOf(modelJson.byteLength, shards) };
}
