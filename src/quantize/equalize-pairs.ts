/**
 * Which consecutive layer pairs cross-layer equalization may rescale (Nagel et al. 2019, "Data-Free Quantization"),
 * found in a layers model's topology. A pair is a kernel layer whose output reaches exactly one other kernel layer
 * through layers that commute with a positive per-channel scale: f(x / s) = f(x) / s (ReLU, LeakyReLU, linear,
 * pooling, dropout, padding, flattening of channels-last tensors). Anything else between them (ReLU6, which clips at
 * a fixed 6; ELU, sigmoid; a batch norm not folded yet; an add or concatenation that mixes in another branch) stops
 * the pair, and the pairs stopped by an activation or a batch norm are reported with the reason.
 */
import { consumerCounts, layerGraphOf, type LayerCall } from '../structure/layer-graph';

/** Layers with a kernel equalization can scale, and the name of that kernel. */
export const EQUALIZABLE: Record<string, string> = {
  Dense: 'kernel',
  Conv1D: 'kernel',
  Conv2D: 'kernel',
  DepthwiseConv2D: 'depthwise_kernel',
};

/** Layers that pass each channel through on its own and commute with a positive scale, whatever their config. */
const CHANNELWISE = new Set([
  'Dropout', 'SpatialDropout1D', 'SpatialDropout2D', 'GaussianDropout', 'AlphaDropout',
  'MaxPooling1D', 'MaxPooling2D', 'AveragePooling1D', 'AveragePooling2D',
  'GlobalAveragePooling1D', 'GlobalAveragePooling2D', 'GlobalMaxPooling1D', 'GlobalMaxPooling2D',
  'ZeroPadding1D', 'ZeroPadding2D', 'Cropping1D', 'Cropping2D', 'UpSampling1D', 'UpSampling2D',
  'LeakyReLU', 'PReLU',
]);

export interface EqualizePair {
  first: string;
  second: string;
  /** A Flatten between them: the second layer's input rows run over positions, channel = row mod channels. */
  flattened: boolean;
}

export interface PairSearch {
  pairs: EqualizePair[];
  /** Pairs that would be equalizable but for what sits between them. */
  skipped: { first: string; second: string; reason: string }[];
}

/** Why `activation` (a layer's own, or an Activation layer's) does not commute with a positive scale; null if it does. */
function activationProblem(activation: unknown, where: string): string | null {
  const a = String(activation ?? 'linear');
  if (a === 'linear' || a === 'relu') return null;
  if (a === 'relu6') return `${where} applies relu6, which clips at a fixed 6 and so does not commute with rescaling`;
  return `${where} applies '${a}', which is not positively homogeneous`;
}

/** Why a layer between two kernels stops equalization (null when it passes channels through unchanged in kind). */
function passProblem(l: LayerCall): string | null {
  if (CHANNELWISE.has(l.className)) {
    return l.config.data_format === 'channels_first' ? `'${l.name}' is channels_first` : null;
  }
  if (l.className === 'Activation') return activationProblem(l.config.activation, `'${l.name}'`);
  if (l.className === 'ReLU') {
    const max = l.config.max_value;
    if (max !== null && max !== undefined) return `'${l.name}' is ReLU with max_value ${String(max)} (ReLU6-style clipping does not commute with rescaling)`;
    if (Number(l.config.threshold ?? 0) !== 0) return `'${l.name}' is ReLU with threshold ${String(l.config.threshold)}`;
    return null;
  }
  if (l.className === 'Flatten') return l.config.data_format === 'channels_first' ? `'${l.name}' flattens channels_first` : null;
  if (l.className === 'BatchNormalization') return `batch norm '${l.name}' sits between them (fold it first: a "fuse" step with "format": "layers-model" before quantize)`;
  return `'${l.name}' (${l.className}) sits between them`;
}

/** Whether a reason names something the user can act on (an activation, a batch norm), not just a different topology. */
const REPORTED = /applies|ReLU|batch norm/;

/**
 * The equalizable pairs of a layers topology, in the topology's order.
 * @example findEqualizePairs(model.modelTopology).pairs // [{ first: 'fc1', second: 'fc2', flattened: false }, ...]
 */
export function findEqualizePairs(topology: unknown): PairSearch {
  const graph = layerGraphOf(topology);
  const uses = consumerCounts(graph);
  const consumersOf = new Map<string, LayerCall[]>();
  for (const l of graph.layers) for (const i of l.inputs) consumersOf.set(i, [...(consumersOf.get(i) ?? []), l]);
  const pairs: EqualizePair[] = [];
  const skipped: PairSearch['skipped'] = [];
  for (const first of graph.layers) {
    if (!(first.className in EQUALIZABLE)) continue;
    let problem = first.config.data_format === 'channels_first' ? `'${first.name}' is channels_first` : activationProblem(first.config.activation, `'${first.name}'`);
    let flattened = false;
    let at = first;
    let second: LayerCall | undefined;
    // Follow the single chain of consumers until the next kernel layer, or until it branches or ends.
    for (;;) {
      const next = consumersOf.get(at.name) ?? [];
      if (next.length !== 1 || uses.get(at.name) !== 1) break;
      const n = next[0]!;
      if (n.inputs.length !== 1) break;
      if (n.className in EQUALIZABLE) {
        second = n;
        break;
      }
      const p = passProblem(n);
      problem ??= p;
      // A layer that mixes branches or reshapes ends the chain; an activation or batch norm only marks it skipped.
      if (p && !REPORTED.test(p)) break;
      if (n.className === 'Flatten') flattened = true;
      at = n;
    }
    if (!second) continue;
    if (!problem && Number(second.config.groups ?? 1) !== 1) problem = `'${second.name}' is a grouped convolution`;
    if (!problem && second.config.data_format === 'channels_first') problem = `'${second.name}' is channels_first`;
    if (!problem && flattened && second.className !== 'Dense') problem = `'${second.name}' reads a flattened tensor`;
    if (problem) skipped.push({ first: first.name, second: second.name, reason: problem });
    else pairs.push({ first: first.name, second: second.name, flattened });
  }
  return { pairs, skipped };
}
