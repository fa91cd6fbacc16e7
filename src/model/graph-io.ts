/**
 * Inputs and outputs of a graph model: from its signature when it has one (top-level `signature`, or
 * `userDefinedMetadata.signature` as some converters write it — stock TF.js reads both), else its Placeholder
 * nodes and the nodes nothing consumes. Names are node names, as stock `GraphModel.inputs` reports them.
 */
import type { TensorInfo } from './types';
import { indexGraph, nodeNameOf, shapeFromProto, tfDtypeName, type GraphNode } from './graph-topology';
import type { ModelIO } from './layers-io';

interface SignatureEntry {
  name?: string;
  dtype?: string;
  tensorShape?: unknown;
}

interface Signature {
  inputs?: Record<string, SignatureEntry>;
  outputs?: Record<string, SignatureEntry>;
}

/**
 * @example
 *   graphModelIO(json.modelTopology, json.signature ?? json.userDefinedMetadata?.signature);
 *   // { inputs: [{ name: 'input_1', shape: [null, 64, 64, 1], dtype: 'float32' }], outputs: [...] }
 */
export function graphModelIO(topology: unknown, signature: unknown): ModelIO {
  const { nodes, consumers } = indexGraph(topology);
  const sig = (typeof signature === 'object' && signature !== null ? signature : {}) as Signature;

  const fromSignature = (entries: Record<string, SignatureEntry> | undefined): TensorInfo[] | null => {
    const list = Object.entries(entries ?? {});
    if (list.length === 0) return null;
    return list.map(([key, entry]) => {
      const name = nodeNameOf(entry.name ?? key);
      const node = nodes.get(name);
      // The Placeholder's own shape is what the graph accepts (and what stock reports); signatures may be narrower.
      const shape = placeholderShape(node) ?? shapeFromProto(entry.tensorShape);
      const dtype = entry.dtype ? tfDtypeName(entry.dtype) : nodeDtype(node);
      return shape ? { name, shape, dtype } : { name, shape: [], dtype, shapeUnknown: true };
    });
  };

  const placeholders = [...nodes.values()].filter((n) => n.op.startsWith('Placeholder'));
  const sinks = [...nodes.values()].filter(
    (n) => !consumers.has(n.name) && n.op !== 'Const' && n.op !== 'NoOp' && !n.op.startsWith('Placeholder'),
  );
  const fromNodes = (list: GraphNode[]): TensorInfo[] =>
    list.map((node) => {
      const shape = placeholderShape(node);
      const dtype = nodeDtype(node);
      return shape ? { name: node.name, shape, dtype } : { name: node.name, shape: [], dtype, shapeUnknown: true };
    });

  return {
    inputs: fromSignature(sig.inputs) ?? fromNodes(placeholders),
    outputs: fromSignature(sig.outputs) ?? fromNodes(sinks),
  };
}

function attr(node: GraphNode | undefined, key: string): Record<string, unknown> | undefined {
  const value = node?.attr?.[key];
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
}

function placeholderShape(node: GraphNode | undefined): (number | null)[] | undefined {
  return shapeFromProto(attr(node, 'shape')?.shape);
}

function nodeDtype(node: GraphNode | undefined): string {
  const type = attr(node, 'dtype')?.type ?? attr(node, 'T')?.type;
  return type === undefined ? 'float32' : tfDtypeName(type);
}
