/**
 * Fusion inside a graph model: a Conv2D, DepthwiseConv2dNative or MatMul whose only consumer is a BiasAdd (and
 * that BiasAdd's only consumer a Relu, Relu6, Elu or Sigmoid) becomes one _FusedConv2D /
 * FusedDepthwiseConv2dNative / _FusedMatMul node, the way tensorflowjs_converter fuses them. The fused node takes
 * the name of the last node it replaces, so every consumer and the signature still find it. Graphs the converter
 * wrote are usually fused already; then nothing changes.
 */
import { indexGraph, nodeNameOf, type GraphNode } from '../model/graph-topology';
import type { WorkingModel } from '../recipe/working-model';
import { float, int, strs } from './graph-nodes';

const FUSED_OP: Record<string, string> = {
  Conv2D: '_FusedConv2D',
  DepthwiseConv2dNative: 'FusedDepthwiseConv2dNative',
  MatMul: '_FusedMatMul',
};
const ACTIVATIONS = new Set(['Relu', 'Relu6', 'Elu', 'Sigmoid']);

export interface GraphFuseResult {
  model: WorkingModel;
  /** Names of the fused nodes made. */
  fused: string[];
}

/**
 * @example fuseGraphNodes(workingModelOf(openedGraphModel)).fused // ['conv1/Relu', ...]
 */
export function fuseGraphNodes(model: WorkingModel): GraphFuseResult {
  const topology = model.modelTopology as unknown as { node?: GraphNode[] } & Record<string, unknown>;
  const { nodes, consumers } = indexGraph(topology);
  const outputs = signatureOutputs(model.signature ?? model.source.artifacts.signature);
  const only = (n: GraphNode): GraphNode | null => {
    const list = consumers.get(n.name) ?? [];
    return list.length === 1 && list[0]!.index === 0 && !outputs.has(n.name) ? list[0]!.node : null;
  };
  const replaced = new Map<string, GraphNode | null>(); // old name -> the node to write in its place (null: drop)
  const fused: string[] = [];
  for (const n of nodes.values()) {
    const op = FUSED_OP[n.op];
    if (!op || (n.input ?? []).length !== 2) continue;
    const bias = only(n);
    if (!bias || bias.op !== 'BiasAdd' || (bias.input ?? []).length !== 2) continue;
    const next = only(bias);
    const act = next && ACTIVATIONS.has(next.op) && (next.input ?? []).length === 1 ? next : null;
    const last = act ?? bias;
    const node: GraphNode = {
      name: last.name,
      op,
      input: [n.input![0]!, n.input![1]!, bias.input![1]!],
      attr: { ...(n.attr ?? {}), fused_ops: strs(act ? ['BiasAdd', act.op] : ['BiasAdd']), num_args: int(1), epsilon: float(0) },
    };
    replaced.set(n.name, null);
    if (act) replaced.set(bias.name, null);
    replaced.set(last.name, node);
    fused.push(last.name);
  }
  if (fused.length === 0) return { model, fused };
  const list = (topology.node ?? []).flatMap((n) => (replaced.has(n.name) ? (replaced.get(n.name) ? [replaced.get(n.name)!] : []) : [n]));
  const owners = new Map<string, GraphNode>();
  for (const n of list) if (n.op in REVERSE) for (const input of (n.input ?? []).slice(1)) owners.set(nodeNameOf(input), n);
  const weights = model.weights.map((w) => {
    const owner = owners.get(w.name);
    return owner && (owner.name !== w.owner || owner.op !== w.ownerType) ? { ...w, owner: owner.name, ownerType: owner.op } : w;
  });
  return { model: { ...model, modelTopology: { ...topology, node: list } as unknown as WorkingModel['modelTopology'], weights }, fused };
}

const REVERSE = { _FusedConv2D: 1, FusedDepthwiseConv2dNative: 1, _FusedMatMul: 1 };

function signatureOutputs(signature: unknown): Set<string> {
  const outputs = (signature as { outputs?: Record<string, { name?: string }> } | undefined)?.outputs ?? {};
  return new Set(Object.entries(outputs).map(([key, v]) => nodeNameOf(v.name ?? key)));
}
