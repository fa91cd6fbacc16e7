/**
 * The model.json of an export: the variant's topology (the input's, unless a step reshaped it), the input's
 * metadata, a new weights manifest, and the recipe under
 * `userDefinedMetadata.pare`. Only fields the stock loaders know are written, in a fixed order, so the text is
 * the same for the same model and variant.
 */
import type * as tf from '@tensorflow/tfjs';
import { PareError } from '../errors';
import type { OpenedModel } from '../model/types';
import type { Recipe } from '../recipe/schema';
import type { AppliedWith, Variant } from '../recipe/variant';

/** What Pare records about itself in `userDefinedMetadata.pare`. */
export interface PareMetadata {
  /** Kept from the input's own Pare metadata: labels, preprocessing, data set. */
  [inherited: string]: unknown;
  recipe: Recipe;
  recipeHash: string;
  /** The data sets (by fingerprint) and backend the recipe was applied with. */
  applied: AppliedWith;
  /** The model the export was made from. */
  source: { file: string; name?: string; format: string; weightBytes: number };
  /** Achieved sparsity over the prunable tensors (final values). */
  sparsity: number;
}

/** One manifest entry as the stock loader reads it: the weight's own dtype, plus how it is stored. */
export function manifestEntry(w: Variant['weights'][number]): tf.io.WeightsManifestEntry {
  const entry: tf.io.WeightsManifestEntry = { name: w.name, shape: [...w.shape], dtype: w.dtype };
  const q = w.stored.quantization;
  if (q) {
    entry.quantization =
      q.dtype === 'float16' ? { dtype: 'float16' } : { dtype: q.dtype, scale: q.scale!, min: q.min! };
  }
  return entry;
}

/** The model's own name when its topology has one (Keras `model_config.config.name`). */
function modelName(model: OpenedModel): string | undefined {
  const topo = model.artifacts.modelTopology as { model_config?: { config?: { name?: unknown } } } | undefined;
  const name = topo?.model_config?.config?.name;
  return typeof name === 'string' ? name : undefined;
}

function weightDataBytes(data: tf.io.ModelArtifacts['weightData']): number {
  if (data === undefined) return 0;
  return (Array.isArray(data) ? data : [data]).reduce((n, b) => n + b.byteLength, 0);
}

/**
 * What an input's own `userDefinedMetadata.pare` says about using the model (labels, preprocessing, data set) still
 * holds for its variants, so exports keep it: without it a variant would lose its class names and input scaling.
 * Figures measured on the original (its test accuracy) do not hold for a variant and are dropped.
 */
function inheritedPareMetadata(meta: tf.io.ModelArtifacts['userDefinedMetadata']): Record<string, unknown> {
  const prior = meta?.pare;
  if (prior === null || typeof prior !== 'object' || Array.isArray(prior)) return {};
  const { testAccuracy: _measuredOnOriginal, ...kept } = prior as Record<string, unknown>;
  return kept;
}

/**
 * A retargeted model's classes replace the input's labels, and its preprocessing is what the head was trained on;
 * how it was made is recorded beside them.
 */
function retargetMetadata(variant: Variant): Record<string, unknown> {
  const r = variant.retarget;
  if (!r) return {};
  const { history: _perEpoch, labels, preprocessing, ...made } = r;
  return { labels, ...(preprocessing ? { preprocessing } : {}), retarget: made };
}

/** A signature whose outputs now give `classes` scores (a retargeted graph model); unchanged without. */
function withOutputWidth(signature: unknown, classes: number | undefined): unknown {
  const outputs = (signature as { outputs?: Record<string, { tensorShape?: { dim?: { size: string }[] } }> } | null)?.outputs;
  if (classes === undefined || !outputs) return signature;
  const resized = Object.fromEntries(Object.entries(outputs).map(([k, o]) => {
    const dim = o.tensorShape?.dim;
    return [k, dim?.length ? { ...o, tensorShape: { ...o.tensorShape, dim: [...dim.slice(0, -1), { size: String(classes) }] } } : o];
  }));
  return { ...(signature as object), outputs: resized };
}

/**
 * Builds the model.json object for `variant` of `model`, whose shards are `paths`. Keeps format (writing the
 * model's format when an old input had none), generatedBy, convertedBy, signature, modelInitializer,
 * initializerSignature, trainingConfig and every existing userDefinedMetadata key; sets userDefinedMetadata.pare.
 */
export function buildModelJson(
  model: OpenedModel,
  variant: Variant,
  recipe: Recipe,
  paths: string[],
): Record<string, unknown> {
  const a = model.artifacts;
  if (variant.modelTopology === undefined || variant.modelTopology instanceof ArrayBuffer) {
    throw new PareError(
      'unsupported',
      `Model '${model.modelJsonName}' has a binary or missing topology; Pare exports only JSON topologies.`,
      { file: model.modelJsonName },
    );
  }
  const pare: PareMetadata = {
    ...inheritedPareMetadata(a.userDefinedMetadata),
    recipe,
    recipeHash: variant.recipeHash,
    applied: variant.applied,
    source: {
      file: model.modelJsonName,
      ...(modelName(model) !== undefined ? { name: modelName(model) } : {}),
      format: model.format,
      weightBytes: weightDataBytes(a.weightData),
    },
    sparsity: variant.stats.sparsity,
    ...retargetMetadata(variant),
  };
  // An old input without a format field gets its format written; a step that changed the format writes the new one.
  const json: Record<string, unknown> = { format: variant.format === model.format ? (a.format ?? model.format) : variant.format };
  if (a.generatedBy != null) json.generatedBy = a.generatedBy;
  if (a.convertedBy != null) json.convertedBy = a.convertedBy;
  const classes = variant.retarget?.labels.length;
  const signature = variant.signature ?? a.signature;
  if (signature !== undefined) json.signature = withOutputWidth(signature, classes);
  const udm = Object.entries(a.userDefinedMetadata ?? {}).map(([k, v]) => [k, k === 'signature' ? withOutputWidth(v, classes) : v]);
  json.userDefinedMetadata = { ...Object.fromEntries(udm), pare };
  json.modelTopology = variant.modelTopology;
  // The input's training config means nothing to the graph it became, nor names the loss of a head a retarget replaced.
  if (a.trainingConfig !== undefined && variant.format === model.format && !variant.retarget) json.trainingConfig = a.trainingConfig;
  if (a.modelInitializer !== undefined) json.modelInitializer = a.modelInitializer;
  if (a.initializerSignature !== undefined) json.initializerSignature = a.initializerSignature;
  json.weightsManifest = [{ paths, weights: variant.weights.map(manifestEntry) }];
  return json;
}
