/**
 * Which constant a graph model adds to a MatMul's or convolution's output, for bias correction: the bias input of a
 * fused op whose first fused op is BiasAdd, or the constant of the one BiasAdd / Add that alone reads an unfused
 * op's output. A bias another op also reads cannot be corrected for one kernel, and is left alone.
 */
import { indexGraph, nodeNameOf, type GraphIndex } from '../model/graph-topology';
import { attrStrings } from '../structure/graph-attrs';

const FUSED = new Set(['_FusedConv2D', '_FusedMatMul', 'FusedDepthwiseConv2dNative']);
const PLAIN = new Set(['Conv2D', 'MatMul', 'DepthwiseConv2dNative']);
const ADDS = new Set(['BiasAdd', 'Add', 'AddV2']);

interface Weight {
  name: string;
  owner: string;
  shape: readonly number[];
}

/** For each kernel (by name), its bias's weight name, or why it has none that can be corrected. */
export function graphBiases(topology: unknown, kernels: readonly Weight[], weights: readonly Weight[]): Map<string, string | { bias: string }> {
  const graph = indexGraph(topology);
  const byName = new Map(weights.map((w) => [w.name, w]));
  const out = new Map<string, string | { bias: string }>();
  for (const k of kernels) out.set(k.name, biasOf(k, graph, byName));
  return out;
}

function biasOf(kernel: Weight, { nodes, consumers }: GraphIndex, weights: Map<string, Weight>): string | { bias: string } {
  const node = nodes.get(kernel.owner);
  if (!node) return `its op '${kernel.owner}' is not in the graph`;
  const channels = kernel.shape.length === 4 && node.op.includes('Depthwise') ? kernel.shape[2]! * kernel.shape[3]! : kernel.shape[kernel.shape.length - 1]!;
  const usable = (name: string): { bias: string } | string => {
    const bias = weights.get(name);
    if (!bias) return `'${name}', which '${node.name}' adds, is not a stored weight`;
    if (bias.shape.length !== 1 || bias.shape[0] !== channels) return `'${name}' has shape [${bias.shape.join(', ')}], not [${channels}]`;
    const readers = consumers.get(name) ?? [];
    if (readers.length !== 1) return `'${name}' is read by ${readers.length} ops`;
    return { bias: name };
  };
  if (FUSED.has(node.op)) {
    const ops = attrStrings(node, 'fused_ops');
    if (ops[0] !== 'BiasAdd' || !node.input?.[2]) return `its op '${node.name}' fuses ${ops.join(', ') || 'nothing'}, with no bias first`;
    return usable(nodeNameOf(node.input[2]));
  }
  if (!PLAIN.has(node.op)) return `its op '${node.name}' is a ${node.op}`;
  const next = consumers.get(node.name) ?? [];
  const add = next.length === 1 && ADDS.has(next[0]!.node.op) ? next[0]!.node : null;
  if (!add) return `its op '${node.name}' (${node.op}) feeds ${next.map((c) => `'${c.node.name}' (${c.node.op})`).join(', ') || 'nothing'}, not one BiasAdd or Add of a constant`;
  const other = (add.input ?? []).filter((i) => !i.startsWith('^')).map(nodeNameOf).find((n) => n !== node.name);
  if (!other || !weights.has(other)) return `its op '${node.name}' feeds '${add.name}' (${add.op}), which adds no constant`;
  return usable(other);
}
