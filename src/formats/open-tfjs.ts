/**
 * What the TF.js readers share: validate model.json, check every weight entry and shape, read the shards,
 * decode the weights, work out owners, prunability, inputs and outputs. Validation happens here, once.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import { PareError, type PareWarning } from '../errors';
import type { ModelFormat, OpenedModel, WeightEntry } from '../model/types';
import { weightRoles } from '../model/prunable';
import { layersModelIO } from '../model/layers-io';
import { graphModelIO } from '../model/graph-io';
import { validateModelJson, type WeightSpecJson } from './model-json-schema';
import { checkWeightSpec, elementCount, storedByteLength } from './weight-specs';
import { checkTopologyShapes } from './check-topology-shapes';
import { checkAgainstBuilt, checkLayerStructure, checkLayersWeights, duplicateWarnings } from './check-layers-weights';
import { checkGraph } from './check-graph';
import { checkDecodedSize, quantizationWarnings } from './model-budget';
import { checkWithStockLoader, STOCK_BUILD_MAX_PARAMS, stockRegistry } from './stock-check';
import { listedLayerClasses } from './stock-layer-classes';
import { readShards } from './shards';
import { countNonFinite, countNonFiniteStored, decodeWeightValues } from './decode-weights';
import { noteRange } from '../model/known-ranges';
import { noteSample, sampleEvery } from '../model/known-samples';
import { isRecord } from './context';
import { quoteName } from '../files/quote';
import { valuesOnFirstRead } from '../model/values-on-first-read';
import type { FormatContext, ModelJsonChoice } from './types';

export interface OpenOptions {
  reader: string;
  /** Other files the reader used (metadata.json), so they are not reported as unused. */
  alsoUsed?: string[];
}

/**
 * Opens the chosen model JSON as a TF.js model of the kind its topology shows.
 *
 * @example
 *   const model = await openTfjsModel(ctx, ctx.modelJson()!, { reader: 'tfjs-layers' });
 */
export async function openTfjsModel(ctx: FormatContext, choice: ModelJsonChoice, options: OpenOptions): Promise<OpenedModel> {
  const file = choice.name;
  const json = validateModelJson(choice.json, file);
  const format = formatOf(choice, json.format);

  const manifest = json.weightsManifest ?? [];
  const specs: WeightSpecJson[] = manifest.flatMap((group) => group.weights);
  for (const spec of specs) checkWeightSpec(spec, file);
  checkDecodedSize(specs, file, ctx.limits.maxModelBytes);
  const warnings: PareWarning[] = [];
  const params = specs.reduce((n, s) => n + elementCount(s.shape), 0);
  if (format === 'layers-model') {
    const layers = await layerStructure(json.modelTopology, file, params);
    warnings.push(...checkLayersWeights(layers, specs, json.weightsManifest !== undefined, file));
  } else {
    warnings.push(...checkGraph(json.modelTopology, specs, file, await stockRegistry()), ...duplicateWarnings(specs, file));
  }
  checkTopologyShapes(format, json.modelTopology, specs, file);
  const built = await checkWithStockLoader(format, json.modelTopology, params, file);
  if (built && json.weightsManifest !== undefined) checkAgainstBuilt(built, specs, file);
  warnings.push(...quantizationWarnings(specs, file));
  const shards = readShards(ctx, file, manifest);

  const roles = weightRoles(format, json.modelTopology, specs);
  const bytes = new Uint8Array(shards.weightData);
  const every = sampleEvery(params); // one stride for every weight, so that any set of them is sampled alike
  let offset = 0;
  const weights: WeightEntry[] = specs.map((spec, i) => {
    const storedBytes = storedByteLength(spec);
    const stored = bytes.subarray(offset, offset + storedBytes);
    const view = plainView(spec, shards.weightData, offset);
    offset += storedBytes;
    const bad = view
      ? countNonFinite(
          view,
          (range) => noteRange(view as Float32Array, range),
          every === null ? undefined : { every, onSample: (sample) => noteSample(view as Float32Array, sample) },
        )
      : countNonFiniteStored(spec, stored);
    if (bad > 0) {
      warnings.push({
        code: 'non-finite-weights',
        message: `Weight ${quoteName(spec.name)} has ${bad.toLocaleString('en-US')} NaN or infinite value${bad === 1 ? '' : 's'} out of ${elementCount(spec.shape).toLocaleString('en-US')}; the model may give NaN outputs. ` +
          `Exports keep them as they are while the weight stays float32 or float16; stored as 8 bits or fewer, or uint16, ` +
          `±Infinity becomes the ends of the weight's range and NaN the code nearest 0.`,
        file,
        weight: spec.name,
      });
    }
    const q = spec.quantization;
    const entry = {
      name: spec.name,
      shape: [...spec.shape],
      dtype: spec.dtype as WeightEntry['dtype'],
      ...(q ? { quantization: { dtype: q.dtype as 'uint8' | 'uint16' | 'float16', ...(q.dtype === 'float16' ? {} : { scale: q.scale, min: q.min }) } } : {}),
      storedBytes,
      ...roles[i],
    } as WeightEntry;
    if (view) entry.values = view;
    else valuesOnFirstRead(entry, () => decodeWeightValues(spec, stored));
    return entry;
  });

  const signature = json.signature ?? (isRecord(json.userDefinedMetadata) ? json.userDefinedMetadata.signature : undefined);
  const io = format === 'layers-model' ? layersModelIO(json.modelTopology) : graphModelIO(json.modelTopology, signature);

  const artifacts: tfTypes.io.ModelArtifacts = {
    modelTopology: json.modelTopology as tfTypes.io.ModelArtifacts['modelTopology'],
    format,
    generatedBy: json.generatedBy ?? undefined,
    convertedBy: json.convertedBy ?? null,
    weightSpecs: specs as tfTypes.io.WeightsManifestEntry[],
    weightData: shards.weightData,
  };
  for (const key of ['signature', 'userDefinedMetadata', 'modelInitializer', 'initializerSignature', 'trainingConfig'] as const) {
    if (json[key] != null) (artifacts as Record<string, unknown>)[key] = json[key];
  }

  const used = new Set([file, ...shards.files, ...(options.alsoUsed ?? [])]);
  const unused = ctx.files.filter((f) => !used.has(f.name)).map((f) => quoteName(f.name));
  if (unused.length > 0) {
    warnings.push({
      code: 'unused-file',
      message: `${unused.length === 1 ? 'This file is' : `${unused.length} files are`} not part of the model and ${unused.length === 1 ? 'was' : 'were'} ignored: ${unused.slice(0, 5).join(', ')}${unused.length > 5 ? ', …' : ''}.`,
    });
  }

  const labels = pareLabels(json.userDefinedMetadata);
  return {
    format,
    reader: options.reader,
    modelJsonName: file,
    modelJsonBytes: ctx.file(file)?.data.byteLength ?? 0,
    artifacts,
    weights,
    inputs: io.inputs,
    outputs: io.outputs,
    ...(labels ? { labels } : {}),
    warnings,
  };
}

/**
 * A layers model's layers, their classes checked against stock TF.js's registry. Past the size the stock build is
 * skipped for, the registry is the only thing TF.js would be loaded for (`pare optimize` on a large model never
 * needs it otherwise), so the list of its classes answers, and TF.js itself only for a class not on it.
 */
async function layerStructure(topology: unknown, file: string, params: number): Promise<ReturnType<typeof checkLayerStructure>> {
  if (params > STOCK_BUILD_MAX_PARAMS) {
    const listed = listedLayerClasses();
    try {
      return checkLayerStructure(topology, file, listed);
    } catch (e) {
      if (!listed.missed()) throw e;
    }
  }
  return checkLayerStructure(topology, file, await stockRegistry());
}

/**
 * A weight stored as its own dtype (no quantization) at an aligned offset is already its values: a view into the
 * joined shard buffer, which this reader made and nobody mutates, instead of a copy. That keeps one copy of the
 * weights in memory, not two (a 100M-parameter model is 400 MB each). Misaligned and quantized weights decode.
 */
function plainView(spec: WeightSpecJson, weightData: ArrayBuffer, offset: number): WeightEntry['values'] | undefined {
  if (spec.quantization) return undefined;
  const n = elementCount(spec.shape);
  if (spec.dtype === 'float32' && offset % 4 === 0) return new Float32Array(weightData, offset, n);
  if (spec.dtype === 'int32' && offset % 4 === 0) return new Int32Array(weightData, offset, n);
  if (spec.dtype === 'bool') return new Uint8Array(weightData, offset, n);
  return undefined;
}

/**
 * Throws the error that explains why a model-like JSON opens with no reader: a schema violation, or a topology
 * that is neither format.
 */
export function explainUnopenable(choice: ModelJsonChoice): never {
  formatOf(choice, validateModelJson(choice.json, choice.name).format);
  throw new PareError('unsupported', `${quoteName(choice.name)} looks like a TF.js model, but no reader opens it.`, { file: choice.name });
}

/** The format the topology shows; a `format` field that says otherwise is an error, not something to guess past. */
function formatOf(choice: ModelJsonChoice, declared: string | undefined): ModelFormat {
  if (choice.kind === 'unknown') {
    throw new PareError(
      'bad-model-json',
      `${quoteName(choice.name)} has a modelTopology that is neither a Keras layers model (class_name and config) nor a graph (a node list).`,
      { file: choice.name },
    );
  }
  const format: ModelFormat = choice.kind === 'layers' ? 'layers-model' : 'graph-model';
  if (declared !== undefined && declared !== format && (declared === 'layers-model' || declared === 'graph-model')) {
    throw new PareError(
      'bad-model-json',
      `${quoteName(choice.name)} says format ${quoteName(declared)} but its modelTopology is a ${choice.kind === 'layers' ? 'Keras layers model' : 'graph (a node list)'}.`,
      { file: choice.name },
    );
  }
  return format;
}

/** Labels Pare recorded in userDefinedMetadata.pare (sample models, exports). */
function pareLabels(metadata: unknown): string[] | undefined {
  if (!isRecord(metadata) || !isRecord(metadata.pare)) return undefined;
  const labels = metadata.pare.labels;
  return Array.isArray(labels) && labels.every((l) => typeof l === 'string') ? labels : undefined;
}
