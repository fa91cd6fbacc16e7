/**
 * A layers model's topology against its weights manifest, as stock tf.loadLayersModel checks them at load: every
 * layer class must be in TF.js's own registry ("Unknown layer: ..."), every weight a layer needs must be in the
 * manifest ("N of M weights are not set") and every manifest weight must belong to a layer ("no target
 * variable"). Duplicate names stock loads (the last copy wins), so they are a warning.
 */
import { PareError, type PareWarning } from '../errors';
import { quoteName } from '../files/quote';
import { isLayerJson, isModelClass, layerName, modelConfigOf, type LayerNode } from '../model/layers-topology';
import { resolveLayerWeight } from '../model/prunable';
import type { WeightSpecJson } from './model-json-schema';
import type { BuiltWeight, StockRegistry } from './stock-check';
import { shownShape } from './weight-specs';

type Config = Record<string, unknown>;

/**
 * The weights a layer of a class Pare knows creates, by variable name, from its config; undefined for classes
 * whose weights Pare does not predict (recurrent layers, wrappers), which are then not checked for missing ones.
 */
export function expectedWeightKinds(className: string, config: Config): string[] | undefined {
  const bias = config.use_bias === false ? [] : ['bias'];
  switch (className) {
    case 'Dense':
    case 'Conv1D':
    case 'Conv2D':
    case 'Conv3D':
    case 'Conv2DTranspose':
    case 'Conv3DTranspose':
      return ['kernel', ...bias];
    case 'DepthwiseConv2D':
      return ['depthwise_kernel', ...bias];
    case 'SeparableConv2D':
      return ['depthwise_kernel', 'pointwise_kernel', ...bias];
    case 'BatchNormalization':
      return [...(config.scale === false ? [] : ['gamma']), ...(config.center === false ? [] : ['beta']), 'moving_mean', 'moving_variance'];
    case 'LayerNormalization':
      return [...(config.scale === false ? [] : ['gamma']), ...(config.center === false ? [] : ['beta'])];
    case 'Embedding':
      return ['embeddings'];
    case 'PReLU':
      return ['alpha'];
    default:
      return WEIGHTLESS.has(className) ? [] : undefined;
  }
}

/** Layer classes that hold no weights at all. */
const WEIGHTLESS = new Set([
  'InputLayer', 'Activation', 'ReLU', 'LeakyReLU', 'ELU', 'ThresholdedReLU', 'Softmax', 'Dropout', 'SpatialDropout1D',
  'GaussianNoise', 'GaussianDropout', 'AlphaDropout', 'Flatten', 'Reshape', 'Permute', 'RepeatVector', 'Masking',
  'Add', 'Multiply', 'Average', 'Maximum', 'Minimum', 'Concatenate', 'Dot', 'ZeroPadding2D', 'Cropping2D',
  'UpSampling2D', 'MaxPooling1D', 'MaxPooling2D', 'MaxPooling3D', 'AveragePooling1D', 'AveragePooling2D',
  'AveragePooling3D', 'GlobalAveragePooling1D', 'GlobalAveragePooling2D', 'GlobalMaxPooling1D', 'GlobalMaxPooling2D',
  'Rescaling', 'CenterCrop', 'Resizing', 'CategoryEncoding', 'RandomWidth',
]);

/**
 * Checks the layer structure (every `layers` a list of {class_name, config}) and each class against TF.js's
 * registry. Returns every layer, nested models' included.
 * @throws PareError 'bad-model-json' naming the field, 'unknown-layer' naming the layer and its class
 */
export function checkLayerStructure(topology: unknown, file: string, registry: StockRegistry): LayerNode[] {
  const model = modelConfigOf(topology);
  if (!model) return [];
  checkClass(registry, model.class_name, layerName(model) || 'the model', file);
  const out: LayerNode[] = [];
  // Iterative, nested models included: depth is already bounded, but a loop needs no such bound.
  const queue: { config: unknown; where: string }[] = [{ config: model.config, where: 'modelTopology' }];
  while (queue.length > 0) {
    const { config, where } = queue.shift()!;
    const layers = (config as Config).layers;
    if (layers === undefined) continue;
    if (!Array.isArray(layers)) {
      throw new PareError('bad-model-json', `${quoteName(file)}: ${where}.config.layers should be a list of layers; found ${kindOf(layers)}.`, { file });
    }
    layers.forEach((layer, i) => {
      if (!isLayerJson(layer)) {
        throw new PareError(
          'bad-model-json',
          `${quoteName(file)}: ${where}.config.layers[${i}] should be a layer ({class_name, config}); found ${kindOf(layer)}.`,
          { file },
        );
      }
      const name = layerName(layer);
      checkClass(registry, layer.class_name, name, file);
      const node: LayerNode = { name, className: layer.class_name, config: Array.isArray(layer.config) ? {} : layer.config };
      const wrapped = (layer.config as Config).layer;
      if (isLayerJson(wrapped)) {
        checkClass(registry, wrapped.class_name, layerName(wrapped) || name, file);
        node.innerClassName = wrapped.class_name;
      }
      out.push(node);
      if (isModelClass(layer.class_name)) {
        queue.push({ config: Array.isArray(layer.config) ? { layers: layer.config } : layer.config, where: `${where}.config.layers[${i}]` });
      }
    });
  }
  return out;
}

/**
 * The manifest against the layers: missing and foreign weights refused, duplicates warned about.
 * @throws PareError 'missing-weight' naming the layer and the weight, 'unowned-weight' naming the weight
 */
export function checkLayersWeights(layers: readonly LayerNode[], specs: readonly WeightSpecJson[], hasManifest: boolean, file: string): PareWarning[] {
  const byName = new Map<string, LayerNode>();
  for (const layer of layers) if (!byName.has(layer.name)) byName.set(layer.name, layer);
  const found = new Map<LayerNode, Set<string>>();
  for (const spec of specs) {
    const { layer, kind } = resolveLayerWeight(spec.name, byName);
    const expected = layer && expectedWeightKinds(layer.className, layer.config);
    if (!layer || (expected && !expected.includes(kind))) {
      const why = !layer
        ? 'no layer of the model has that name'
        : `${layer.className} ${quoteName(layer.name)} has no weight ${quoteName(kind)}${expected!.length ? ` (it has ${expected!.join(', ')})` : ' (it holds no weights)'}`;
      throw new PareError(
        'unowned-weight',
        `Weight ${quoteName(spec.name)} in the manifest of ${quoteName(file)} belongs to no layer: ${why}; stock TF.js refuses it too ("no target variable").`,
        { file, weight: spec.name },
      );
    }
    if (!found.has(layer)) found.set(layer, new Set());
    found.get(layer)!.add(kind);
  }
  for (const layer of byName.values()) {
    const expected = expectedWeightKinds(layer.className, layer.config);
    const missing = (expected ?? []).filter((kind) => !found.get(layer)?.has(kind));
    if (missing.length === 0) continue;
    const names = missing.map((kind) => quoteName(`${layer.name}/${kind}`)).join(', ');
    const stock = hasManifest
      ? 'stock TF.js refuses it too ("weights are not set")'
      : "it has no weightsManifest at all, so stock TF.js would give it freshly initialised (random) weights, which Pare cannot compress";
    throw new PareError(
      'missing-weight',
      `${layer.className} ${quoteName(layer.name)} needs ${names}, which ${missing.length === 1 ? 'is' : 'are'} not in the manifest of ${quoteName(file)}; ${stock}.`,
      { file, weight: `${layer.name}/${missing[0]}` },
    );
  }
  return duplicateWarnings(specs, file);
}

/** Stock TF.js keys weights by name, so of several entries with one name only the last is used. */
export function duplicateWarnings(specs: readonly WeightSpecJson[], file: string): PareWarning[] {
  const seen = new Map<string, number[]>();
  specs.forEach((spec, i) => seen.set(spec.name, [...(seen.get(spec.name) ?? []), i + 1]));
  return [...seen].filter(([, at]) => at.length > 1).map(([name, at]) => ({
    code: 'duplicate-weight' as const,
    message: `Weight ${quoteName(name)} is listed ${at.length} times in the manifest of ${quoteName(file)} (entries ${at.join(', ')}); stock TF.js uses only the last, so the model holds fewer parameters than the manifest lists.`,
    file,
    weight: name,
  }));
}

function checkClass(registry: StockRegistry, className: string, layer: string, file: string): void {
  if (registry.isLayerClass(className)) return;
  throw new PareError(
    'unknown-layer',
    `Layer ${quoteName(layer)} in ${quoteName(file)} has class ${quoteName(className)}, which TF.js does not know ` +
      `(stock TF.js says "Unknown layer: ${quoteName(className).slice(1, -1)}"); a custom layer must be registered with TF.js before the model can load.`,
    { file },
  );
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return 'a string';
  return `the ${typeof value} ${String(value).slice(0, 20)}`;
}

/**
 * The manifest against the weights stock TF.js built from the topology (stock-check.ts), as its loader matches
 * them: by name, each once, with the shape it built.
 * @throws PareError 'bad-model-json' (two layers share a weight name), 'missing-weight', 'unowned-weight', 'shape-mismatch'
 */
export function checkAgainstBuilt(built: readonly BuiltWeight[], specs: readonly WeightSpecJson[], file: string): void {
  const byName = new Map<string, BuiltWeight>();
  for (const w of built) {
    if (byName.has(w.name)) {
      throw new PareError(
        'bad-model-json',
        `Two layers of ${quoteName(file)} make a weight named ${quoteName(w.name)} (two layers share a name); stock TF.js refuses it ("Duplicate weight name").`,
        { file, weight: w.name },
      );
    }
    byName.set(w.name, w);
  }
  const listed = new Set(specs.map((s) => s.name));
  for (const spec of specs) {
    const w = byName.get(spec.name);
    if (!w) {
      throw new PareError(
        'unowned-weight',
        `Weight ${quoteName(spec.name)} in the manifest of ${quoteName(file)} is not one of the weights stock TF.js builds from the topology; it refuses it too ("no target variable").`,
        { file, weight: spec.name },
      );
    }
    if (w.shape.length !== spec.shape.length || w.shape.some((d, i) => d !== spec.shape[i])) {
      throw new PareError(
        'shape-mismatch',
        `Weight ${quoteName(spec.name)} in ${quoteName(file)} has shape [${shownShape(spec.shape)}]; the topology builds it as [${shownShape(w.shape)}] (stock TF.js: "Shape mismatch").`,
        { file, weight: spec.name },
      );
    }
  }
  const missing = built.find((w) => !listed.has(w.name));
  if (missing) {
    throw new PareError(
      'missing-weight',
      `The topology of ${quoteName(file)} builds weight ${quoteName(missing.name)} [${shownShape(missing.shape)}], which is not in the manifest; stock TF.js refuses it too ("weights are not set").`,
      { file, weight: missing.name },
    );
  }
}
