/**
 * Channel groups of a graph model (a GraphDef converted by tensorflowjs_converter), by the same walk as for layers
 * models over its nodes: convolutions and matrix products (plain or fused) open spaces, with their filter's output
 * axis and every fused argument (bias, batch-norm terms, PReLU alpha); depthwise convolutions, bias adds, batch
 * norms and activations carry them; adds merge them; ConcatV2 shifts offsets; Mean over the spatial axes and
 * spatial padding keep them. Anything else (Reshape among them, since its target shape names the channel count)
 * makes the spaces it touches unprunable, as does a weight that several nodes share.
 */
import { indexGraph, nodeNameOf, shapeFromProto, type GraphNode } from '../model/graph-topology';
import type { Shape } from '../model/layer-shapes';
import { attrBool, attrInts, attrString, attrStrings, opaqueShape, windowOutput } from './graph-attrs';
import type { GroupAnalysis, LayerMacs } from './group-types';
import { SpaceTable, type Flow, type Seg, type WeightRef } from './spaces';

/** Elementwise ops of one input: channels pass through unchanged. */
const ACTIVATIONS = new Set(['Relu', 'Relu6', 'Elu', 'Selu', 'LeakyRelu', 'Sigmoid', 'Tanh', 'Softplus', 'Identity', 'Cast']);
const ELEMENTWISE = new Set(['Add', 'AddV2', 'Sub', 'Mul', 'Maximum', 'Minimum', 'RealDiv', 'SquaredDifference']);
const CONVS = new Set(['Conv2D', '_FusedConv2D']);
const DEPTHWISE = new Set(['DepthwiseConv2dNative', 'FusedDepthwiseConv2dNative']);
const MATMULS = new Set(['MatMul', '_FusedMatMul']);
const POOLS = new Set(['MaxPool', 'AvgPool']);
const BATCH_NORMS = new Set(['FusedBatchNorm', 'FusedBatchNormV3']);

/** Fused ops with their argument counts (TF's _FusedConv2D / _FusedMatMul / FusedDepthwiseConv2dNative). */
function fusedArgs(node: GraphNode): string | null {
  const ops = attrStrings(node, 'fused_ops');
  for (const op of ops) if (!['BiasAdd', 'FusedBatchNorm', 'Relu', 'Relu6', 'Elu', 'LeakyRelu', 'Sigmoid', 'Tanh', 'Prelu'].includes(op)) return `fuses ${op}`;
  return null;
}

export function graphGroups(topology: unknown, weights: readonly WeightRef[], outputNames: readonly string[]): GroupAnalysis {
  const { nodes, consumers } = indexGraph(topology);
  const weightsByName = new Map(weights.map((w) => [w.name, w]));
  const t = new SpaceTable();
  const flows = new Map<string, Flow>();
  const macs: LayerMacs[] = [];
  const order = new Map([...nodes.keys()].map((n, i) => [n, i]));
  const visiting = new Set<string>();

  const constOf = (input: string | undefined) => {
    if (!input || nodeNameOf(input) !== input) return undefined;
    const w = weightsByName.get(input);
    return w && nodes.get(input)?.op === 'Const' ? w : undefined;
  };
  const flowOf = (name: string): Flow | undefined => {
    if (flows.has(name)) return flows.get(name);
    const node = nodes.get(name);
    if (!node || visiting.has(name)) return undefined;
    visiting.add(name);
    const flow = walkNode(node);
    visiting.delete(name);
    flows.set(name, flow);
    return flow;
  };

  function walkNode(node: GraphNode): Flow {
    const inputs = (node.input ?? []).filter((i) => !i.startsWith('^'));
    const where = `'${node.name}' (${node.op})`;
    const dataInputs = inputs.filter((i) => !constOf(i));
    const sources = dataInputs.map((i) => flowOf(nodeNameOf(i)));
    const ins = dataInputs.map((i, k) => (nodeNameOf(i) === i || i.endsWith(':0') ? sources[k] : undefined));
    const opaque = (why: string, shape?: Shape): Flow => {
      for (const f of sources) t.mark(f, why);
      return t.fresh(shape, null, why);
    };
    if (node.op === 'Placeholder') return t.fresh(shapeFromProto(node.attr?.shape && (node.attr.shape as { shape?: unknown }).shape), null, `it is the model's input ('${node.name}')`);
    if (ins.some((f) => !f)) return opaque(`${where} reads a second output of a node, or a cycle`);
    const x = ins[0];
    if (!x) return opaque(`${where} reads only constants`);
    if ((attrString(node, 'data_format') ?? 'NHWC') !== 'NHWC') return opaque(`${where} is channels-first`);
    // A weight several nodes read cannot be sliced for one of them.
    const shared = inputs.map(constOf).find((w) => w && (consumers.get(w.name)?.length ?? 0) > 1);
    if (shared) return opaque(`the weight '${shared.name}' is shared by several nodes`);
    const shape = x.shape;

    if (CONVS.has(node.op) || MATMULS.has(node.op) || DEPTHWISE.has(node.op)) {
      const filter = constOf(inputs[1]);
      if (!filter || dataInputs.length !== 1) return opaque(`${where} has a filter that is not a constant`);
      const odd = fusedArgs(node);
      if (odd) return opaque(`${where} ${odd}`);
      const args = inputs.slice(2).map(constOf);
      if (args.some((a) => !a)) return opaque(`${where} has a fused argument that is not a constant`);
      const matmul = MATMULS.has(node.op);
      if (matmul && attrBool(node, 'transpose_a')) return opaque(`${where} transposes its input`);
      const tb = matmul && attrBool(node, 'transpose_b');
      const inAxis = matmul ? (tb ? 1 : 0) : 2;
      const outAxis = matmul ? (tb ? 0 : 1) : 3;
      if (DEPTHWISE.has(node.op)) {
        if (filter.shape[3] !== 1) return opaque(`${where} has a depth multiplier of ${filter.shape[3]}`);
        if (!t.addMembers(x, node.name, filter, 2, 'param') || !args.every((a) => t.addMembers(x, node.name, a, 0, 'param'))) return opaque(`the weights of ${where} do not match its input`);
        const out = shape && windowOutput(node, shape, filter.shape[0]!, filter.shape[1]!);
        const outShape = shape && out ? [shape[0]!, ...out, shape[3]!] : undefined;
        macs.push({ layer: node.name, className: node.op, macs: outShape ? positions(outShape) * filter.shape[0]! * filter.shape[1]! * filter.shape[2]! : 0 });
        return { ...x, shape: outShape };
      }
      // An input of unknown width is unprunable already; the filter still says how many channels come out.
      if (x.width > 0 && !t.addMembers(x, node.name, filter, inAxis, 'in')) return opaque(`the filter of ${where} does not match its input`);
      const cout = filter.shape[outAxis]!;
      const spatial = !matmul && shape ? windowOutput(node, shape, filter.shape[0]!, filter.shape[1]!) : undefined;
      const outShape: Shape | undefined = matmul ? [shape?.[0] ?? null, cout] : shape && spatial ? [shape[0]!, ...spatial, cout] : undefined;
      const dIn = filter.shape.reduce((a, b) => a * b, 1) / cout;
      macs.push({ layer: node.name, className: node.op, macs: matmul ? dIn * cout : outShape ? positions(outShape) * dIn * cout : 0 });
      const flow = t.fresh(outShape, node.name, undefined, cout);
      if (!t.addMembers(flow, node.name, filter, outAxis, 'out') || !args.every((a) => t.addMembers(flow, node.name, a, 0, 'out'))) t.mark(flow, `the fused arguments of ${where} do not match its filter`);
      return flow;
    }
    if (node.op === 'BiasAdd' || BATCH_NORMS.has(node.op)) {
      const params = inputs.slice(1).map(constOf);
      if (params.some((p) => !p) || !params.every((p) => t.addMembers(x, node.name, p, 0, 'param'))) return opaque(`the parameters of ${where} are not per-channel constants`);
      t.advanceProbe(x, node.name, nodeNameOf(inputs[0]!));
      return x;
    }
    if (ACTIVATIONS.has(node.op)) {
      t.advanceProbe(x, node.name, nodeNameOf(inputs[0]!));
      return x;
    }
    if (node.op === 'Prelu') {
      const alpha = constOf(inputs[1]);
      if (!alpha || !t.addMembers(x, node.name, alpha, alpha.shape.length - 1, 'param')) return opaque(`the alpha of ${where} is not per channel`);
      return x;
    }
    if (POOLS.has(node.op)) {
      const k = attrInts(node, 'ksize');
      const out = shape && windowOutput(node, shape, k[1] ?? 1, k[2] ?? 1);
      return { ...x, shape: shape && out ? [shape[0]!, ...out, shape[3]!] : undefined };
    }
    if (ELEMENTWISE.has(node.op)) return elementwise(node, inputs, ins as Flow[], where, opaque);
    if (node.op === 'Pad' || node.op === 'PadV2' || node.op === 'MirrorPad') {
      const pads = constOf(inputs[1])?.values;
      const rank = shape?.length ?? 0;
      const padded = pads && pads.length === 2 * rank ? shape!.map((d, i) => (d === null ? null : d + Number(pads[2 * i]) + Number(pads[2 * i + 1]))) : undefined;
      if (!padded || pads![2 * rank - 1] !== 0 || pads![2 * rank - 2] !== 0) return opaque(`${where} pads the channel axis, or Pare cannot read its paddings`, padded);
      return { ...x, shape: padded };
    }
    if (node.op === 'Mean' || node.op === 'Max') {
      const axes = constOf(inputs[1])?.values;
      const rank = shape?.length ?? 0;
      const list = axes ? Array.from(axes, (a) => (a < 0 ? a + rank : a)) : [];
      if (!axes || !rank || list.includes(rank - 1) || list.includes(0)) return opaque(`${where} reduces the channel axis, or Pare cannot read its axes`);
      const keep = attrBool(node, 'keep_dims');
      return { ...x, shape: shape!.flatMap((d, i) => (list.includes(i) ? (keep ? [1] : []) : [d])) };
    }
    if (node.op === 'ConcatV2') {
      const axis = constOf(inputs[inputs.length - 1])?.values?.[0];
      const rank = shape?.length;
      if (axis === undefined || !(axis === -1 || (rank !== undefined && axis === rank - 1)) || ins.some((f) => f!.repeat !== 1)) return opaque(`${where} concatenates along an axis other than the channels`);
      const segs: Seg[] = [];
      let offset = 0;
      for (const f of ins as Flow[]) {
        for (const s of f.segs) segs.push({ ...s, offset: offset + s.offset });
        offset += f.width;
      }
      return { shape: shape ? [...shape.slice(0, -1), offset] : undefined, segs, width: offset, repeat: 1 };
    }
    return opaque(`${where} is an op Pare cannot see through`, opaqueShape(node, shape, (i) => constOf(i)?.values));
  }

  function elementwise(node: GraphNode, inputs: string[], ins: Flow[], where: string, opaque: (why: string, shape?: Shape) => Flow): Flow {
    const x = ins[0]!;
    // A constant operand: a scalar passes; a per-channel vector shrinks with the channels.
    for (const input of inputs) {
      const c = constOf(input);
      if (!c) continue;
      const size = c.shape.reduce((a, b) => a * b, 1);
      if (size === 1) continue;
      if (c.shape[c.shape.length - 1] !== size || !t.addMembers(x, node.name, c, c.shape.length - 1, 'param')) return opaque(`${where} combines its input with a constant that is not per channel`);
    }
    const aligned = ins.every((f) => f.width === x.width && f.repeat === x.repeat && f.segs.length === x.segs.length && f.segs.every((s, i) => s.offset === x.segs[i]!.offset && s.width === x.segs[i]!.width));
    if (!aligned) return opaque(`${where} combines inputs whose channels do not line up`, ins.map((f) => f.shape).find((sh) => sh && sh[sh.length - 1] === Math.max(...ins.map((f) => f.width))));
    for (const f of ins.slice(1)) f.segs.forEach((s, i) => t.union(x.segs[i]!.space, s.space));
    return { ...x, segs: x.segs.map((s) => ({ ...s, space: t.find(s.space) })), shape: x.shape ?? ins.find((f) => f.shape)?.shape };
  }

  for (const name of nodes.keys()) if (nodes.get(name)!.op !== 'Const') flowOf(name);
  const terminal = [...nodes.values()].filter((n) => n.op !== 'Const' && !(consumers.get(n.name)?.length)).map((n) => n.name);
  for (const out of new Set([...outputNames.map(nodeNameOf), ...terminal])) t.mark(flows.get(out), `it is a model output ('${out}')`);
  const sorted = macs.sort((a, b) => order.get(a.layer)! - order.get(b.layer)!);
  return { groups: t.groups(order, new Map(sorted.map((m) => [m.layer, m.macs]))), layers: sorted, totalMacs: sorted.reduce((n, m) => n + m.macs, 0) };
}

const positions = (shape: Shape) => shape.slice(1, -1).reduce<number>((a, d) => a * (d ?? 1), 1);
