/**
 * A retargeted graph model's topology: the nodes the cut depends on, as the source wrote them, then the head as
 * plain ops stock TF.js runs (Reshape to a vector when needed, MatMul + BiasAdd per Dense layer, Relu between,
 * Softmax at the end), with its weights as Const nodes the manifest fills.
 */
import { indexGraph, type GraphNode } from '../../model/graph-topology';
import { dataInputs } from './graph-cut';
import { headDenseLayers, type HeadSpec } from './topology';

const FLOAT = { type: 'DT_FLOAT' };
const T = { T: FLOAT };

function constNode(name: string, dtype: 'DT_FLOAT' | 'DT_INT32', shape: number[]): GraphNode {
  return { name, op: 'Const', attr: { dtype: { type: dtype }, value: { tensor: { dtype, tensorShape: { dim: shape.map((d) => ({ size: String(d) })) } } } } };
}

/** The new head's weight names, shapes and dtypes beyond the Dense kernels and biases: the flatten's shape. */
export function graphFlattenShapeName(head: HeadSpec): string | null {
  return head.flatten ? `${head.flatten}/shape` : null;
}

/**
 * @returns the topology, the names of the source's Const nodes it keeps (their weights stay), and the name of
 *   the head's output node
 */
export function retargetGraphTopology(topology: unknown, cut: string, head: HeadSpec, outputName: string): { topology: Record<string, unknown>; keptConsts: Set<string>; output: string } {
  const { nodes } = indexGraph(topology);
  const keep = new Set<string>();
  const stack = [cut];
  while (stack.length) {
    const name = stack.pop()!;
    if (keep.has(name)) continue;
    keep.add(name);
    const node = nodes.get(name);
    // Control inputs keep their nodes too, so the graph stays as the converter ordered it.
    if (node) stack.push(...(node.input ?? []).map((i) => dataInputs({ ...node, input: [i.replace(/^\^/, '')] })[0]!));
  }
  const source = topology as { node: GraphNode[] } & Record<string, unknown>;
  const kept = source.node.filter((n) => keep.has(n.name));
  const added: GraphNode[] = [];
  let previous = cut;
  if (head.flatten) {
    added.push(constNode(`${head.flatten}/shape`, 'DT_INT32', [2]));
    added.push({ name: head.flatten, op: 'Reshape', input: [previous, `${head.flatten}/shape`], attr: { ...T, Tshape: { type: 'DT_INT32' } } });
    previous = head.flatten;
  }
  for (const d of headDenseLayers(head)) {
    added.push(constNode(`${d.name}/kernel`, 'DT_FLOAT', [d.inputs, d.units]), constNode(`${d.name}/bias`, 'DT_FLOAT', [d.units]));
    added.push({ name: `${d.name}/MatMul`, op: 'MatMul', input: [previous, `${d.name}/kernel`], attr: { ...T, transpose_a: { b: false }, transpose_b: { b: false } } });
    added.push({ name: `${d.name}/BiasAdd`, op: 'BiasAdd', input: [`${d.name}/MatMul`, `${d.name}/bias`], attr: { ...T, data_format: { s: btoa('NHWC') } } });
    const act = d.activation === 'relu' ? 'Relu' : 'Softmax';
    added.push({ name: `${d.name}/${act}`, op: act, input: [`${d.name}/BiasAdd`], attr: { ...T } });
    previous = `${d.name}/${act}`;
  }
  // The head's output keeps the old output's name, so signatures and apps that fetch it by name still find it.
  if (!keep.has(outputName)) {
    added.push({ name: outputName, op: 'Identity', input: [previous], attr: { ...T } });
    previous = outputName;
  }
  const keptConsts = new Set(kept.filter((n) => n.op === 'Const').map((n) => n.name));
  return { topology: { ...source, node: [...kept, ...added] }, keptConsts, output: previous };
}
