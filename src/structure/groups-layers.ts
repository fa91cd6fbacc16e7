/**
 * Channel groups of a layers model, found by following every layer's channels from producer to consumers, as
 * Torch-Pruning's dependency graph does. Each tensor's last axis is described as segments of channel spaces (a
 * concatenation has several); a producer (Conv, Dense, the pointwise half of a separable convolution) opens a new
 * space, channel-wise layers pass spaces through, an elementwise add merges the spaces of its inputs. A space that
 * reaches a model output, a model input, or a layer Pare cannot see through is marked with the reason, and so is
 * every space merged with it.
 */
import { layerOutputShape, type Shape } from '../model/layer-shapes';
import type { ChannelGroup, GroupAnalysis, GroupMember, LayerMacs } from './group-types';
import { layerGraph, type GraphLayer } from './layer-graph';
import { layerMacs } from './macs';

interface Seg {
  space: number;
  offset: number;
  width: number;
}
/** A tensor as far as channels go: its shape, and which spaces its last axis carries (repeated `repeat` times after a Flatten). */
interface Flow {
  shape: Shape | undefined;
  segs: Seg[];
  width: number;
  repeat: number;
}
interface Space {
  width: number;
  reasons: string[];
  members: GroupMember[];
  producers: string[];
  /** The last channel-wise layer after the producer, and the layers in between. */
  probe: string;
  order: number;
}
export interface WeightRef {
  name: string;
  shape: number[];
  owner: string;
}

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

  const spaces: Space[] = [];
  const parent: number[] = [];
  const find = (s: number): number => (parent[s] === s ? s : (parent[s] = find(parent[s]!)));
  const newSpace = (width: number, producer: string | null, reason?: string): number => {
    const id = spaces.length;
    spaces.push({ width, reasons: reason ? [reason] : [], members: [], producers: producer ? [producer] : [], probe: producer ?? '', order: id });
    parent.push(id);
    return id;
  };
  const mark = (flow: Flow | undefined, reason: string) => flow?.segs.forEach((s) => spaces[find(s.space)]!.reasons.push(reason));
  const union = (a: number, b: number) => {
    const [ra, rb] = [find(a), find(b)];
    if (ra === rb) return;
    const [keep, gone] = spaces[ra]!.order <= spaces[rb]!.order ? [ra, rb] : [rb, ra];
    const k = spaces[keep]!;
    const g = spaces[gone]!;
    if (k.width !== g.width) k.reasons.push(`an elementwise layer joins ${k.width} channels with ${g.width}`);
    k.reasons.push(...g.reasons);
    k.members.push(...g.members);
    k.producers.push(...g.producers);
    parent[gone] = keep;
  };
  const fresh = (shape: Shape | undefined, producer: string | null, reason?: string): Flow => {
    const last = shape?.[shape.length - 1];
    const width = typeof last === 'number' ? last : 0;
    return { shape, segs: [{ space: newSpace(width, producer, width ? reason : reason ?? 'its width is unknown'), offset: 0, width }], width, repeat: 1 };
  };
  /** Adds `weight` (axis) of `layer` as a member for every segment of `flow`; false when the weight is missing or its length disagrees. */
  const addMembers = (flow: Flow, layer: string, weight: WeightRef | undefined, axis: number, role: GroupMember['role'], inner = 1): boolean => {
    if (!weight || weight.shape[axis] !== flow.width * flow.repeat * inner) return false;
    for (const s of flow.segs) {
      spaces[find(s.space)]!.members.push({ weight: weight.name, layer, axis, role, layout: { offset: s.offset, inner, repeat: flow.repeat, stride: flow.width * inner } });
    }
    return true;
  };

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
      for (const f of ins) mark(f, why);
      flows.set(layer.name, fresh(outShape, null, why));
    };
    if (cls === 'InputLayer') {
      flows.set(layer.name, fresh(outShape, null, `it is the model's input ('${layer.name}')`));
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
    flows.set(layer.name, walkLayer(layer, ins as Flow[], outShape, { where, weightOf, addMembers, fresh, mark, union, opaque, spaces, find }));
  }
  for (const out of graph.outputs) mark(flows.get(out), `it is a model output ('${out}')`);

  const order = new Map(graph.layers.map((l, i) => [l.name, i]));
  const macsOf = new Map(macs.map((m) => [m.layer, m.macs]));
  const groups: ChannelGroup[] = [];
  for (let s = 0; s < spaces.length; s++) {
    if (find(s) !== s) continue;
    const sp = spaces[s]!;
    if (sp.producers.length === 0 && sp.members.length === 0) continue;
    const layers = [...new Set([...sp.producers, ...sp.members.map((m) => m.layer)])].sort((a, b) => order.get(a)! - order.get(b)!);
    const reason = sp.reasons[0] ?? (sp.producers.length === 0 ? 'no layer Pare can shrink produces these channels' : sp.width < 2 ? 'it has a single channel' : undefined);
    const probes = [...new Set(spaces.filter((_, i) => find(i) === s && spaces[i]!.producers.length).map((p) => p.probe))];
    groups.push({
      id: groups.length,
      channels: sp.width,
      producers: [...sp.producers].sort((a, b) => order.get(a)! - order.get(b)!),
      layers,
      members: sp.members,
      probes,
      prunable: reason === undefined,
      ...(reason !== undefined ? { reason } : {}),
      macs: layers.reduce((n, l) => n + (macsOf.get(l) ?? 0), 0),
    });
  }
  return { groups, layers: macs, totalMacs: macs.reduce((n, m) => n + m.macs, 0) };
}

interface Walk {
  where: string;
  weightOf(layer: string, suffix: string): WeightRef | undefined;
  addMembers(flow: Flow, layer: string, weight: WeightRef | undefined, axis: number, role: GroupMember['role'], inner?: number): boolean;
  fresh(shape: Shape | undefined, producer: string | null, reason?: string): Flow;
  mark(flow: Flow | undefined, reason: string): void;
  union(a: number, b: number): void;
  opaque(why: string): void;
  spaces: Space[];
  find(s: number): number;
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
    return w.fresh(outShape, null, why);
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
      readOk = !!dw && w.addMembers(x, name, dw, dw.shape.length - 2, 'in') && w.addMembers(x, name, kernel, rankK - 2, 'in', m);
    } else readOk = w.addMembers(x, name, kernel, rankK - 2, 'in');
    if (!readOk) return fail(`the weights of ${w.where} are not where Pare expects them`);
    const out = w.fresh(outShape, name);
    const okOut = w.addMembers(out, name, kernel, rankK - 1, 'out') && (c.use_bias === false || w.addMembers(out, name, bias, 0, 'out'));
    if (!okOut) w.mark(out, `the weights of ${w.where} are not where Pare expects them`);
    if (String(c.activation ?? 'linear') === 'softmax') w.mark(out, `${w.where} ends in a softmax over its channels`);
    return out;
  }
  if (cls === 'DepthwiseConv2D' || cls === 'DepthwiseConv1D') {
    const m = typeof c.depth_multiplier === 'number' ? c.depth_multiplier : 1;
    if (m !== 1) return fail(`${w.where} has a depth multiplier of ${m}`);
    const kernel = w.weightOf(name, 'depthwise_kernel');
    const ok = w.addMembers(x, name, kernel, (kernel?.shape.length ?? 0) - 2, 'param') && (c.use_bias !== true || w.addMembers(x, name, w.weightOf(name, 'bias'), 0, 'param'));
    if (!ok) return fail(`the weights of ${w.where} are not where Pare expects them`);
    return same();
  }
  if (cls === 'BatchNormalization') {
    if (!lastAxis(Array.isArray(c.axis) ? (c.axis.length === 1 ? c.axis[0] : null) : c.axis, rank)) return fail(`${w.where} normalizes an axis other than the channels`);
    for (const p of ['gamma', 'beta', 'moving_mean', 'moving_variance']) {
      const weight = w.weightOf(name, p);
      if ((p === 'gamma' && c.scale === false) || (p === 'beta' && c.center === false)) continue;
      if (!w.addMembers(x, name, weight, 0, 'param')) return fail(`the ${p} of ${w.where} is not where Pare expects it`);
    }
    advanceProbe(x, layer, w);
    return same();
  }
  if (cls === 'Activation' && c.activation === 'softmax') return fail(`${w.where} is a softmax over the channels`);
  if (CHANNELWISE.has(cls)) {
    if (ACTIVATIONS.has(cls)) advanceProbe(x, layer, w);
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
    for (const f of ins.slice(1)) f.segs.forEach((s, i) => w.union(x.segs[i]!.space, s.space));
    return { ...x, shape: outShape, segs: x.segs.map((s) => ({ ...s, space: w.find(s.space) })) };
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

/** An activation or batch norm right after the probe of a single-space flow becomes the new probe. */
function advanceProbe(x: Flow, layer: GraphLayer, w: Walk): void {
  if (x.segs.length !== 1 || x.repeat !== 1) return;
  const sp = w.spaces[w.find(x.segs[0]!.space)]!;
  if (sp.probe === layer.inputs[0]) sp.probe = layer.name;
}
