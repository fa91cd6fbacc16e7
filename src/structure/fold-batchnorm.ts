/**
 * Batch-norm folding in a layers model: a BatchNormalization right after a Conv2D, DepthwiseConv2D, Dense or
 * SeparableConv2D (its pointwise half) is an affine map per output channel, so it can live in that layer's kernel
 * and bias instead:
 *   s = gamma / sqrt(variance + epsilon);  kernel'[..., c] = kernel[..., c] * s[c];  bias' = (bias - mean) * s + beta.
 * The layer gains a bias if it had none, the BN layer leaves the topology and whatever took its output takes the
 * layer's. Only where that is exact: the layer's activation is linear, its output feeds nothing but the BN, and the
 * BN normalises the last (channel) axis. Every other BN is left alone, with the reason.
 *
 * Pure: the working model given is not changed; kernels and biases that fold get new arrays, the rest are shared.
 */
import { PareError } from '../errors';
import type { WorkingModel, WorkingWeight } from '../recipe/working-model';
import { consumerCounts, layerGraphOf, type LayerCall } from './layer-graph';

/** Layer class -> the kernel whose output channels a following BN scales. */
const FOLDS_INTO: Record<string, string> = {
  Conv2D: 'kernel',
  Dense: 'kernel',
  DepthwiseConv2D: 'depthwise_kernel',
  SeparableConv2D: 'pointwise_kernel',
};
const CONV_CLASSES = new Set(['Conv2D', 'DepthwiseConv2D', 'SeparableConv2D']);

export interface FoldedBatchNorm {
  batchNorm: string;
  into: string;
  /** True when the layer had no bias and got one. */
  biasAdded: boolean;
}

export interface FoldResult {
  model: WorkingModel;
  folded: FoldedBatchNorm[];
  /** BN layers left as they were, and why. */
  kept: { batchNorm: string; reason: string }[];
}

/**
 * Folds every batch norm that can be folded exactly.
 * @throws PareError('unsupported') when the topology is one Pare cannot follow (nested models, shared layers)
 * @example
 *   const { model, folded } = foldBatchNorms(workingModelOf(opened));
 *   folded.map((f) => `${f.batchNorm} -> ${f.into}`); // ['bn_Conv1 -> Conv1', ...]
 */
export function foldBatchNorms(model: WorkingModel): FoldResult {
  if (model.format !== 'layers-model') {
    throw new PareError('unsupported', `Batch-norm folding works on layers models; this one is a ${model.format}.`);
  }
  const graph = layerGraphOf(model.modelTopology);
  const byName = new Map(graph.layers.map((l) => [l.name, l]));
  const consumers = consumerCounts(graph);
  const folded: FoldedBatchNorm[] = [];
  const kept: FoldResult['kept'] = [];
  let weights = model.weights;
  for (const bn of graph.layers) {
    if (bn.className !== 'BatchNormalization') continue;
    const producer = bn.inputs.length === 1 ? byName.get(bn.inputs[0]!) : undefined;
    const reason = whyNotFoldable(bn, producer, consumers);
    if (reason) {
      kept.push({ batchNorm: bn.name, reason });
      continue;
    }
    const step = foldOne(weights, bn, producer!);
    weights = step.weights;
    folded.push({ batchNorm: bn.name, into: producer!.name, biasAdded: step.biasAdded });
  }
  if (folded.length === 0) return { model, folded, kept };
  return { model: { ...model, modelTopology: rewrite(model.modelTopology, folded), weights }, folded, kept };
}

function whyNotFoldable(bn: LayerCall, producer: LayerCall | undefined, consumers: Map<string, number>): string | null {
  if (!producer) return 'it does not take the output of a single layer';
  if (!(producer.className in FOLDS_INTO)) return `it follows a ${producer.className}, which has no kernel to fold into`;
  const activation = producer.config.activation ?? 'linear';
  if (activation !== 'linear') return `'${producer.name}' applies '${String(activation)}' before the batch norm`;
  if ((consumers.get(producer.name) ?? 0) !== 1) return `the output of '${producer.name}' is used elsewhere too`;
  if (producer.config.data_format === 'channels_first') return `'${producer.name}' is channels_first`;
  const axis = Array.isArray(bn.config.axis) ? (bn.config.axis.length === 1 ? bn.config.axis[0] : null) : (bn.config.axis ?? -1);
  const lastAxis = axis === -1 || (CONV_CLASSES.has(producer.className) && axis === 3);
  if (!lastAxis) return `it normalises axis ${JSON.stringify(bn.config.axis)}, not the channel axis`;
  return null;
}

/** The weight of `layer` whose last name segment is `kind`, if any. */
function findWeight(weights: readonly WorkingWeight[], layer: string, kind: string): number {
  return weights.findIndex((w) => w.owner === layer && w.name.slice(w.name.lastIndexOf('/') + 1) === kind);
}

function needWeight(weights: readonly WorkingWeight[], layer: string, kind: string): WorkingWeight {
  const i = findWeight(weights, layer, kind);
  if (i < 0) throw new PareError('bad-model-json', `Layer '${layer}' has no '${kind}' weight in the manifest.`);
  return weights[i]!;
}

function foldOne(weights: WorkingWeight[], bn: LayerCall, producer: LayerCall): { weights: WorkingWeight[]; biasAdded: boolean } {
  const kernel = needWeight(weights, producer.name, FOLDS_INTO[producer.className]!);
  const channels = kernel.shape.length === 4 && producer.className === 'DepthwiseConv2D' ? kernel.shape[2]! * kernel.shape[3]! : kernel.shape[kernel.shape.length - 1]!;
  const param = (kind: string, enabled: unknown, fill: number): ArrayLike<number> => {
    if (enabled === false) return new Float32Array(channels).fill(fill);
    const w = needWeight(weights, bn.name, kind);
    if (w.values.length !== channels) {
      throw new PareError('shape-mismatch', `'${w.name}' has ${w.values.length} values; '${kernel.name}' has ${channels} output channels.`, { weight: w.name });
    }
    return w.values;
  };
  const gamma = param('gamma', bn.config.scale, 1);
  const beta = param('beta', bn.config.center, 0);
  const mean = param('moving_mean', true, 0);
  const variance = param('moving_variance', true, 1);
  const epsilon = typeof bn.config.epsilon === 'number' ? bn.config.epsilon : 1e-3;
  const scale = new Float64Array(channels);
  for (let c = 0; c < channels; c++) scale[c] = gamma[c]! / Math.sqrt(variance[c]! + epsilon);

  // Output channels are the innermost index of every kernel layout folded here (a depthwise kernel's [in, multiplier] flattens to in*multiplier + m).
  const k = kernel.values as Float32Array;
  const newKernel = new Float32Array(k.length);
  for (let i = 0; i < k.length; i++) newKernel[i] = k[i]! * scale[i % channels]!;
  const biasAt = producer.config.use_bias === false ? -1 : findWeight(weights, producer.name, 'bias');
  const oldBias = biasAt >= 0 ? weights[biasAt]!.values : null;
  const newBias = new Float32Array(channels);
  for (let c = 0; c < channels; c++) newBias[c] = ((oldBias ? oldBias[c]! : 0) - mean[c]!) * scale[c]! + beta[c]!;

  const bnWeights = new Set(weights.filter((w) => w.owner === bn.name).map((w) => w.name));
  // A folded tensor is new: no input grid applies to it, so it is float32 until a quantize step says otherwise.
  const fresh = (w: WorkingWeight, values: Float32Array): WorkingWeight => {
    const { quantization: _old, stored: _s, zeros: _z, ...rest } = w;
    return { ...rest, values };
  };
  const prefix = kernel.name.slice(0, kernel.name.lastIndexOf('/') + 1);
  const addedBias: WorkingWeight = {
    name: `${prefix}bias`,
    shape: [channels],
    dtype: 'float32',
    values: newBias,
    storedBytes: 0,
    owner: producer.name,
    ownerType: producer.className,
    prunable: false,
    masked: false,
    prune: { mode: 'none' },
  };
  const out: WorkingWeight[] = [];
  weights.forEach((w, i) => {
    if (bnWeights.has(w.name)) return;
    if (w === kernel) {
      out.push(fresh(w, newKernel));
      if (biasAt < 0) out.push(addedBias);
    } else if (i === biasAt) out.push(fresh(w, newBias));
    else out.push(w);
  });
  return { weights: out, biasAdded: biasAt < 0 };
}

/** The topology without the folded BN layers, their consumers rewired to the layers they folded into. */
function rewrite(topology: WorkingModel['modelTopology'], folded: FoldedBatchNorm[]): WorkingModel['modelTopology'] {
  const copy = structuredClone(topology) as Record<string, unknown>;
  const inner = (isRecord(copy.model_config) ? copy.model_config : copy) as Record<string, unknown>;
  const layers = (Array.isArray(inner.config) ? inner.config : (inner.config as Record<string, unknown>).layers) as Record<string, unknown>[];
  const into = new Map(folded.map((f) => [f.batchNorm, f.into]));
  const nameOf = (l: Record<string, unknown>) => ((l.config as Record<string, unknown>).name ?? l.name) as string;
  for (let i = layers.length - 1; i >= 0; i--) if (into.has(nameOf(layers[i]!))) layers.splice(i, 1);
  for (const layer of layers) {
    if (folded.some((f) => f.into === nameOf(layer))) (layer.config as Record<string, unknown>).use_bias = true;
    if (layer.inbound_nodes) renameRefs(layer.inbound_nodes, into);
  }
  if (isRecord(inner.config)) renameRefs(inner.config.output_layers, into);
  return copy as WorkingModel['modelTopology'];
}

/** Rewrites `[layer, node, tensor, ...]` references (Keras 2 inbound nodes, Keras 3 keras_history) in place. */
function renameRefs(value: unknown, names: Map<string, string>): void {
  if (!Array.isArray(value)) {
    if (isRecord(value)) Object.values(value).forEach((v) => renameRefs(v, names));
    return;
  }
  if (typeof value[0] === 'string' && typeof value[1] === 'number' && names.has(value[0])) value[0] = names.get(value[0]);
  value.forEach((v) => renameRefs(v, names));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
