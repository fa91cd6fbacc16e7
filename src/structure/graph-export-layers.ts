/**
 * One converter per Keras layer class: the GraphDef nodes that compute what the layer computes, with the
 * attribute names of TF.js's op definitions (tfjs-converter/src/operations/op_list/*.json). Each returns the name
 * of the node whose output is the layer's output; the last node of a layer carries the layer's name.
 */
import { PareError } from '../errors';
import type { GraphBuilder } from './graph-export';
import { bool, dtype, float, int, ints, nhwc, node, pair, str, strs } from './graph-nodes';
import type { LayerCall } from './layer-graph';

export type Converter = (b: GraphBuilder, layer: LayerCall, inputs: string[]) => string;

/** Layers with a kernel and bias, whose node can take a fused bias and activation. */
export const KERNEL_LAYERS = new Set(['Conv2D', 'DepthwiseConv2D', 'SeparableConv2D', 'Dense']);

/** Keras activation names -> TF ops (null: nothing to do). */
const ACTIVATION_OPS: Record<string, string | null> = {
  linear: null, relu: 'Relu', relu6: 'Relu6', elu: 'Elu', sigmoid: 'Sigmoid', tanh: 'Tanh', softmax: 'Softmax',
  selu: 'Selu', softplus: 'Softplus',
};
/** Activations TF.js's fused kernels apply themselves (tfjs-core fused Activation, tfjs-backend-wasm FusableActivation). */
const FUSABLE = new Set(['Relu', 'Relu6', 'Elu', 'Sigmoid']);

const T = { T: dtype('float32') };

function fail(layer: LayerCall, what: string): PareError {
  return new PareError('unsupported', `Layer '${layer.name}' (${layer.className}) ${what}, which Pare cannot convert to a graph model yet.`);
}

function activationOp(layer: LayerCall, name: unknown): string | null {
  const key = typeof name === 'string' ? name : 'linear';
  if (!(key in ACTIVATION_OPS)) throw fail(layer, `uses the activation '${key}'`);
  return ACTIVATION_OPS[key]!;
}

/** The op of an activation layer that a preceding kernel layer may run in its own node, or null. */
export function fusableActivation(layer: LayerCall): string | null {
  const c = layer.config;
  if (layer.className === 'Activation') {
    const op = typeof c.activation === 'string' ? ACTIVATION_OPS[c.activation] : undefined;
    return op && FUSABLE.has(op) ? op : null;
  }
  if (layer.className === 'ReLU') {
    if ((c.negative_slope ?? 0) !== 0 || (c.threshold ?? 0) !== 0) return null;
    if (c.max_value === null || c.max_value === undefined) return 'Relu';
    return c.max_value === 6 ? 'Relu6' : null;
  }
  return null;
}

function padding(layer: LayerCall): Record<string, unknown> {
  const p = layer.config.padding ?? 'valid';
  if (p !== 'same' && p !== 'valid') throw fail(layer, `has padding '${String(p)}'`);
  return { padding: str(p.toUpperCase()) };
}

function convAttrs(layer: LayerCall): Record<string, unknown> {
  return {
    ...T,
    strides: ints(nhwc(layer.config.strides, 1)),
    ...padding(layer),
    data_format: str('NHWC'),
    dilations: ints(nhwc(layer.config.dilation_rate, 1)),
    explicit_paddings: ints([]),
  };
}

/**
 * The layer's kernel op with its bias and activation fused when TF.js can fuse them; otherwise the activation gets
 * its own node (TF.js fuses an activation only after a fused BiasAdd, so a layer without bias keeps it apart).
 */
function kernelNode(
  b: GraphBuilder, layer: LayerCall, ops: { fused: string; plain: string }, x: string, filter: string, attrs: Record<string, unknown>,
): string {
  const bias = layer.config.use_bias === false ? null : b.weight(layer, 'bias');
  const act = b.absorbed(layer) ?? activationOp(layer, layer.config.activation);
  const fuse = bias !== null && act !== null && FUSABLE.has(act);
  const main = act === null || fuse ? layer.name : `${layer.name}/${bias ? 'BiasAdd' : ops.plain}`;
  if (bias !== null) {
    const fused = fuse ? ['BiasAdd', act!] : ['BiasAdd'];
    b.add(node(main, ops.fused, [x, filter, bias], { ...attrs, fused_ops: strs(fused), num_args: int(1), epsilon: float(0) }));
  } else {
    b.add(node(main, ops.plain, [x, filter], attrs));
  }
  return main === layer.name ? main : b.add(node(layer.name, act!, [main], T));
}

function need(b: GraphBuilder, layer: LayerCall, kind: string): string {
  const name = b.weight(layer, kind);
  if (!name) throw new PareError('bad-model-json', `Layer '${layer.name}' has no '${kind}' weight in the manifest.`);
  return name;
}

const conv2d: Converter = (b, layer, [x]) =>
  kernelNode(b, layer, { fused: '_FusedConv2D', plain: 'Conv2D' }, x!, need(b, layer, 'kernel'), { ...convAttrs(layer), use_cudnn_on_gpu: bool(true) });

const depthwise: Converter = (b, layer, [x]) =>
  kernelNode(b, layer, { fused: 'FusedDepthwiseConv2dNative', plain: 'DepthwiseConv2dNative' }, x!, need(b, layer, 'depthwise_kernel'), convAttrs(layer));

const separable: Converter = (b, layer, [x]) => {
  const dw = b.add(node(`${layer.name}/depthwise`, 'DepthwiseConv2dNative', [x!, need(b, layer, 'depthwise_kernel')], convAttrs(layer)));
  const pointwise = { ...T, strides: ints([1, 1, 1, 1]), padding: str('VALID'), data_format: str('NHWC'), dilations: ints([1, 1, 1, 1]), explicit_paddings: ints([]), use_cudnn_on_gpu: bool(true) };
  return kernelNode(b, layer, { fused: '_FusedConv2D', plain: 'Conv2D' }, dw, need(b, layer, 'pointwise_kernel'), pointwise);
};

const dense: Converter = (b, layer, [x]) => {
  const rank = b.inputShape(layer)?.length;
  if (rank !== 2) throw fail(layer, `takes a rank-${rank ?? 'unknown'} input (a graph MatMul needs rank 2)`);
  return kernelNode(b, layer, { fused: '_FusedMatMul', plain: 'MatMul' }, x!, need(b, layer, 'kernel'), { ...T, transpose_a: bool(false), transpose_b: bool(false) });
};

const batchNorm: Converter = (b, layer, [x]) => {
  const axis = Array.isArray(layer.config.axis) ? layer.config.axis[0] : (layer.config.axis ?? -1);
  const rank = b.inputShape(layer)?.length;
  if (axis !== -1 && axis !== (rank ?? 0) - 1) throw fail(layer, `normalises axis ${String(axis)}, not the last`);
  const channels = b.inputShape(layer)?.at(-1);
  const param = (kind: string, fill: number): string => {
    const name = b.weight(layer, kind);
    if (name) return name;
    if (typeof channels !== 'number') throw fail(layer, 'has no channel count in its input shape');
    return b.constant(`${layer.name}/${kind}`, layer, new Float32Array(channels).fill(fill), [channels]);
  };
  const inputs = [x!, param('gamma', 1), param('beta', 0), need(b, layer, 'moving_mean'), need(b, layer, 'moving_variance')];
  const epsilon = typeof layer.config.epsilon === 'number' ? layer.config.epsilon : 1e-3;
  return b.add(node(layer.name, 'FusedBatchNormV3', inputs, { ...T, U: dtype('float32'), epsilon: float(epsilon), data_format: str('NHWC'), is_training: bool(false) }));
};

const pool = (op: string): Converter => (b, layer, [x]) => {
  const size = layer.config.pool_size ?? 2;
  return b.add(node(layer.name, op, [x!], { ...T, ksize: ints(nhwc(size, 2)), strides: ints(nhwc(layer.config.strides ?? size, 2)), ...padding(layer), data_format: str('NHWC') }));
};

const globalPool = (op: string): Converter => (b, layer, [x]) => {
  const axes = b.constant(`${layer.name}/reduction_indices`, layer, Int32Array.from([1, 2]), [2]);
  return b.add(node(layer.name, op, [x!, axes], { ...T, Tidx: dtype('int32'), keep_dims: bool(layer.config.keepdims === true) }));
};

function reshapeTo(b: GraphBuilder, layer: LayerCall, x: string, dims: number[]): string {
  const shape = b.constant(`${layer.name}/shape`, layer, Int32Array.from([-1, ...dims]), [dims.length + 1]);
  return b.add(node(layer.name, 'Reshape', [x, shape], { ...T, Tshape: dtype('int32') }));
}

const flatten: Converter = (b, layer, [x]) => {
  const shape = b.inputShape(layer);
  if (shape?.length === 2) return x!;
  const rest = shape?.slice(1) ?? [null];
  if (rest.some((d) => d === null)) throw fail(layer, 'flattens an input of unknown size');
  return reshapeTo(b, layer, x!, [rest.reduce((a, d) => a! * d!, 1)!]);
};

const reshape: Converter = (b, layer, [x]) => {
  const target = layer.config.target_shape;
  if (!Array.isArray(target) || target.some((d) => typeof d !== 'number' || d < 0)) throw fail(layer, `reshapes to ${JSON.stringify(target)}`);
  return reshapeTo(b, layer, x!, target as number[]);
};

const zeroPadding: Converter = (b, layer, [x]) => {
  const p = layer.config.padding ?? 1;
  const [[top, bottom], [left, right]] = Array.isArray(p) && Array.isArray(p[0]) ? [pair(p[0], 0), pair(p[1], 0)] : (() => {
    const [h, w] = pair(p, 1);
    return [[h, h], [w, w]];
  })();
  const paddings = b.constant(`${layer.name}/paddings`, layer, Int32Array.from([0, 0, top, bottom, left, right, 0, 0]), [4, 2]);
  return b.add(node(layer.name, 'Pad', [x!, paddings], { ...T, Tpaddings: dtype('int32') }));
};

const add: Converter = (b, layer, inputs) => {
  let sum = inputs[0]!;
  for (let i = 1; i < inputs.length; i++) {
    sum = b.add(node(i === inputs.length - 1 ? layer.name : `${layer.name}/add_${i}`, 'AddV2', [sum, inputs[i]!], T));
  }
  return sum;
};

const concatenate: Converter = (b, layer, inputs) => {
  const axis = b.constant(`${layer.name}/axis`, layer, Int32Array.from([typeof layer.config.axis === 'number' ? layer.config.axis : -1]), []);
  return b.add(node(layer.name, 'ConcatV2', [...inputs, axis], { ...T, Tidx: dtype('int32'), N: int(inputs.length) }));
};

const activation: Converter = (b, layer, [x]) => {
  const op = activationOp(layer, layer.config.activation);
  return op === null ? x! : b.add(node(layer.name, op, [x!], T));
};

const relu: Converter = (b, layer, [x]) => {
  const op = fusableActivation(layer);
  if (op) return b.add(node(layer.name, op, [x!], T));
  const c = layer.config;
  const slope = typeof c.negative_slope === 'number' ? c.negative_slope : 0;
  if ((c.max_value ?? null) === null && (c.threshold ?? 0) === 0 && slope > 0) {
    return b.add(node(layer.name, 'LeakyRelu', [x!], { ...T, alpha: float(slope) }));
  }
  throw fail(layer, `has max_value ${String(c.max_value)}, threshold ${String(c.threshold)}`);
};

const leakyRelu: Converter = (b, layer, [x]) =>
  b.add(node(layer.name, 'LeakyRelu', [x!], { ...T, alpha: float(typeof layer.config.alpha === 'number' ? layer.config.alpha : 0.3) }));

const softmax: Converter = (b, layer, [x]) => {
  const axis = layer.config.axis ?? -1;
  if (axis !== -1 && !(Array.isArray(axis) && axis.length === 1 && axis[0] === -1)) throw fail(layer, `normalises axis ${JSON.stringify(axis)}`);
  return b.add(node(layer.name, 'Softmax', [x!], T));
};

/** Layers that do nothing at inference. */
const passThrough: Converter = (_b, _layer, [x]) => x!;

const channelsLast = (convert: Converter): Converter => (b, layer, inputs) => {
  if (layer.config.data_format === 'channels_first') throw fail(layer, 'is channels_first');
  return convert(b, layer, inputs);
};

export const CONVERTERS: Record<string, Converter> = {
  Conv2D: channelsLast(conv2d),
  DepthwiseConv2D: channelsLast(depthwise),
  SeparableConv2D: channelsLast(separable),
  Dense: dense,
  BatchNormalization: batchNorm,
  MaxPooling2D: channelsLast(pool('MaxPool')),
  AveragePooling2D: channelsLast(pool('AvgPool')),
  GlobalAveragePooling2D: channelsLast(globalPool('Mean')),
  GlobalMaxPooling2D: channelsLast(globalPool('Max')),
  Flatten: channelsLast(flatten),
  Reshape: reshape,
  ZeroPadding2D: channelsLast(zeroPadding),
  Add: add,
  Concatenate: concatenate,
  Activation: activation,
  ReLU: relu,
  LeakyReLU: leakyRelu,
  Softmax: softmax,
  Dropout: passThrough,
  SpatialDropout1D: passThrough,
  SpatialDropout2D: passThrough,
  GaussianNoise: passThrough,
  GaussianDropout: passThrough,
  AlphaDropout: passThrough,
  ActivityRegularization: passThrough,
};
