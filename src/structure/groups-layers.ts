/**
 * Channel groups of a layers model, found by following every layer's channels from producer to consumers, as
 * Torch-Pruning's dependency graph does. Each tensor's last axis is described as segments of channel spaces (a
 * concatenation has several); a producer (Conv, Dense, the pointwise half of a separable convolution) opens a new
 * space, channel-wise layers pass spaces through, an elementwise add merges the spaces of its inputs. A space that
 * reaches a model output, a model input, or a layer Pare cannot see through is marked with the reason, and so is
 * every space merged with it.
 */
import { layerOutputShape, type Shape } from '../model/layer-shapes';
import type { GroupAnalysis, GroupMember, LayerMacs } from './group-types';
import { layerGraph, type GraphLayer } from './channel-graph';
import { layerMacs } from './macs';
import { SpaceTable, type Flow, type Seg, type WeightRef } from './spaces';

export type { WeightRef } from './spaces';

const ELEMENTWISE = new Set(['Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum']);
/** Layers that act on each channel alone and keep the channel axis last (channels-last data). */
const CHANNELWISE = new Set([
  'Activation', 'ReLU', 'LeakyReLU', 'ELU', 'ThresholdedReLU', 'Dropout', 'SpatialDropout1D', 'SpatialDropout2D',
  'GaussianNoise', 'GaussianDropout', 'AlphaDropout', 'MaxPooling1D', 'MaxPooling2D', 'AveragePooling1D',
  'AveragePooling2D', 'GlobalAveragePooling1D', 'GlobalAveragePooling2D', 'GlobalMaxPooling1D', 'GlobalMaxPooling2D',
  'ZeroPadding1D', 'ZeroPadding2D', 'Cropping1D', 'Cropping2D', 'UpSampling1D', 'UpSampling2D',
]);
/** Channel-wise layers after which the group's activations are worth measuring (not pooling or padding). */
const ACTIVATIONS = new Set(['Activation', 'ReLU', 'LeakyReLU', 'ELU', 'ThresholdedReLU', 'BatchNormalization']);

/** Walks the topology and returns the groups, with the multiply-adds of every layer. */
export function layersGroups(topology: unknown, weights: readonly WeightRef[]): GroupAnalysis {
  const graph = layerGraph(topology);
  const byOwner = new Map<string, WeightRef[]>();
  for (const w of weights) byOwner.set(w.owner, [...(byOwner.get(w.owner) ?? []), w]);
  const weightOf = (layer: string, suffix: string) => byOwner.get(layer)?.find((w) => w.name === `${layer}/${suffix}` || w.name.endsWith(`/${layer}/${suffix}`));

  const t = new SpaceTable();
  const flows = new Map<string, Flow>();
  const macs: LayerMacs[] = [];
  for (const layer of graph.layers) {
    const ins = layer.inputs.map((n) => flows.get(n));
    const cls = layer.className;
    const where = `'${layer.name}' (${cls})`;
    const inShapes = ins.map((f) => f?.shape);
    const shapesKnown = inShapes.every((s): s is Shape => s !== undefined);
    const outShape = cls === 'InputLayer' ? layer.inputShape : shapesKnown && inShapes.length ? layerOutputShape(cls, layer.config, inShapes) : undefined;
    macs.push({ layer: layer.name, className: cls, macs: shapesKnown && outShape ? layerMacs(cls, layer.config, inShapes, outShape) : 0 });
    const x = ins[0];
    const opaque = (why: string) => {
      for (const f of ins) t.mark(f, why);
      flows.set(layer.name, t.fresh(outShape, null, why));
    };
    if (cls === 'InputLayer') {
      flows.set(layer.name, t.fresh(outShape, null, `it is the model's input ('${layer.name}')`));
      continue;
    }
    if (layer.irregular) {
      opaque(`${layer.irregular}`);
      continue;
    }
    if (!x || ins.some((f) => !f)) {
      opaque(`${where} reads a layer that comes later in the file`);
      continue;
    }
    if (layer.config.data_format === 'channels_first') {
      opaque(`${where} is channels-first`);
      continue;
    }
    flows.set(layer.name, walkLayer(layer, ins as Flow[], outShape, { where, weightOf, t, opaque }));
  }
  for (const out of graph.outputs) t.mark(flows.get(out), `it is a model output ('${out}')`);

  const order = new Map(graph.layers.map((l, i) => [l.name, i]));
  const groups = t.groups(order, new Map(macs.map((m) => [m.layer, m.macs])));
  return { groups, layers: macs, totalMacs: macs.reduce((n, m) => n + m.macs, 0) };
}

interface Walk {
  where: string;
  weightOf(layer: string, suffix: string): WeightRef | undefined;
  t: SpaceTable;
  opaque(why: string): void;
}

const lastAxis = (axis: unknown, rank: number | undefined) => axis === -1 || axis === undefined || (rank !== undefined && axis === rank - 1);

/** What one layer does to the channels it reads; returns the flow of its output. */
function walkLayer(layer: GraphLayer, ins: Flow[], outShape: Shape | undefined, w: Walk): Flow {
  const cls = layer.className;
  const c = layer.config;
  const x = ins[0]!;
  const name = layer.name;
  const same = (): Flow => ({ ...x, shape: outShape });
  const fail = (why: string): Flow => {
    w.opaque(why);
    return w.t.fresh(outShape, null, why);
  };
  if (!outShape) return fail(`Pare cannot work out the output shape of ${w.where}`);
  const rank = x.shape?.length;

  if (cls === 'Dense' || cls === 'Conv1D' || cls === 'Conv2D' || cls === 'SeparableConv1D' || cls === 'SeparableConv2D') {
    if (typeof c.groups === 'number' && c.groups !== 1) return fail(`${w.where} is a grouped convolution`);
    if (cls !== 'Dense' && x.repeat !== 1) return fail(`${w.where} reads flattened channels`);
    const separable = cls.startsWith('Separable');
    const kernel = w.weightOf(name, separable ? 'pointwise_kernel' : 'kernel');
    const bias = c.use_bias === false ? undefined : w.weightOf(name, 'bias');
    const rankK = kernel?.shape.length ?? 0;
    let readOk: boolean;
    if (separable) {
      const m = typeof c.depth_multiplier === 'number' ? c.depth_multiplier : 1;
      const dw = w.weightOf(name, 'depthwise_kernel');
      readOk = !!dw && w.t.addMembers(x, name, dw, dw.shape.length - 2, 'in') && w.t.addMembers(x, name, kernel, rankK - 2, 'in', m);
    } else readOk = w.t.addMembers(x, name, kernel, rankK - 2, 'in');
    if (!readOk) return fail(`the weights of ${w.where} are not where Pare expects them`);
    const out = w.t.fresh(outShape, name);
    const okOut = w.t.addMembers(out, name, kernel, rankK - 1, 'out') && (c.use_bias === false || w.t.addMembers(out, name, bias, 0, 'out'));
    if (!okOut) w.t.mark(out, `the weights of ${w.where} are not where Pare expects them`);
    if (String(c.activation ?? 'linear') === 'softmax') w.t.mark(out, `${w.where} ends in a softmax over its channels`);
    return out;
  }
  if (cls === 'DepthwiseConv2D' || cls === 'DepthwiseConv1D') {
    const m = typeof c.depth_multiplier === 'number' ? c.depth_multiplier : 1;
    if (m !== 1) return fail(`${w.where} has a depth multiplier of ${m}`);
    const kernel = w.weightOf(name, 'depthwise_kernel');
    const ok = w.t.addMembers(x, name, kernel, (kernel?.shape.length ?? 0) - 2, 'param') && (c.use_bias !== true || w.t.addMembers(x, name, w.weightOf(name, 'bias'), 0, 'param'));
    if (!ok) return fail(`the weights of ${w.where} are not where Pare expects them`);
    return same();
  }
  if (cls === 'BatchNormalization') {
    if (!lastAxis(Array.isArray(c.axis) ? (c.axis.length === 1 ? c.axis[0] : null) : c.axis, rank)) return fail(`${w.where} normalizes an axis other than the channels`);
    for (const p of ['gamma', 'beta', 'moving_mean', 'moving_variance']) {
      const weight = w.weightOf(name, p);
      if ((p === 'gamma' && c.scale === false) || (p === 'beta' && c.center === false)) continue;
      if (!w.t.addMembers(x, name, weight, 0, 'param')) return fail(`the ${p} of ${w.where} is not where Pare expects it`);
    }
    w.t.advanceProbe(x, layer.name, layer.inputs[0]!);
    return same();
  }
  if (cls === 'Activation' && c.activation === 'softmax') return fail(`${w.where} is a softmax over the channels`);
  if (CHANNELWISE.has(cls)) {
    if (ACTIVATIONS.has(cls)) w.t.advanceProbe(x, layer.name, layer.inputs[0]!);
    return same();
  }
  if (cls === 'Flatten') {
    const spatial = (x.shape ?? []).slice(1, -1);
    if (!spatial.every((d): d is number => typeof d === 'number')) return fail(`${w.where} flattens a shape Pare does not know`);
    return { shape: outShape, segs: x.segs, width: x.width, repeat: x.repeat * spatial.reduce((a, b) => a * b, 1) };
  }
  if (ELEMENTWISE.has(cls)) {
    const sameShape = ins.every((f) => f.width === x.width && f.repeat === x.repeat && f.segs.length === x.segs.length && f.shape?.length === x.shape?.length);
    const segsMatch = sameShape && ins.every((f) => f.segs.every((s, i) => s.offset === x.segs[i]!.offset && s.width === x.segs[i]!.width));
    if (!segsMatch) return fail(`${w.where} combines inputs whose channels do not line up`);
    for (const f of ins.slice(1)) f.segs.forEach((s, i) => w.t.union(x.segs[i]!.space, s.space));
    return { ...x, shape: outShape, segs: x.segs.map((s) => ({ ...s, space: w.t.find(s.space) })) };
  }
  if (cls === 'Concatenate') {
    if (!lastAxis(c.axis, rank) || ins.some((f) => f.repeat !== 1 || f.shape?.length !== rank)) return fail(`${w.where} concatenates along an axis other than the channels`);
    const segs: Seg[] = [];
    let offset = 0;
    for (const f of ins) {
      for (const s of f.segs) segs.push({ ...s, offset: offset + s.offset });
      offset += f.width;
    }
    return { shape: outShape, segs, width: offset, repeat: 1 };
  }
  return fail(`${w.where} is a layer Pare cannot see through`);
}
