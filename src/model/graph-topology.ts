/**
 * Reading a TF.js graph-model topology (a GraphDef as JSON): nodes by name, and who consumes whose output.
 */
export interface GraphNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, unknown>;
}

export interface Consumer {
  node: GraphNode;
  /** Position of the consumed tensor among the consumer's inputs. */
  index: number;
}

export interface GraphIndex {
  nodes: Map<string, GraphNode>;
  consumers: Map<string, Consumer[]>;
}

/** Node name from an input reference: 'conv/weights', 'split:1' and '^control' all name a node. */
export function nodeNameOf(input: string): string {
  const name = input.startsWith('^') ? input.slice(1) : input;
  const colon = name.lastIndexOf(':');
  return colon > 0 && /^\d+$/.test(name.slice(colon + 1)) ? name.slice(0, colon) : name;
}

/**
 * Indexes the top-level nodes of a graph topology. Control inputs ('^x') are not data and are left out of
 * `consumers`.
 */
export function indexGraph(topology: unknown): GraphIndex {
  const list = (topology as { node?: unknown } | null)?.node;
  const nodes = new Map<string, GraphNode>();
  const consumers = new Map<string, Consumer[]>();
  if (!Array.isArray(list)) return { nodes, consumers };
  for (const node of list as GraphNode[]) {
    if (node && typeof node.name === 'string') nodes.set(node.name, node);
  }
  for (const node of nodes.values()) {
    (node.input ?? []).forEach((input, index) => {
      if (typeof input !== 'string' || input.startsWith('^')) return;
      const source = nodeNameOf(input);
      let list = consumers.get(source);
      if (!list) consumers.set(source, (list = []));
      list.push({ node, index });
    });
  }
  return { nodes, consumers };
}

/** TF dtype enum names to the dtype TF.js gives such a tensor (as the converter maps them). */
export function tfDtypeName(dtype: unknown): string {
  switch (dtype) {
    case 'DT_FLOAT':
    case 'DT_HALF':
    case 'DT_DOUBLE':
      return 'float32';
    case 'DT_INT32':
    case 'DT_INT64':
    case 'DT_INT8':
    case 'DT_UINT8':
      return 'int32';
    case 'DT_BOOL':
      return 'bool';
    case 'DT_STRING':
      return 'string';
    case 'DT_COMPLEX64':
    case 'DT_COMPLEX128':
      return 'complex64';
    default:
      return typeof dtype === 'string' ? dtype : 'unknown';
  }
}

/** A TensorShapeProto as JSON to a shape; -1 (any size) becomes null, an omitted size is proto3's default 0. Undefined for an unknown rank. */
export function shapeFromProto(shape: unknown): (number | null)[] | undefined {
  if (typeof shape !== 'object' || shape === null) return undefined;
  const proto = shape as { dim?: unknown; unknownRank?: boolean };
  if (proto.unknownRank) return undefined;
  // A file's dim list may be anything; what is not a list of {size} says nothing about the shape.
  if (proto.dim !== undefined && !Array.isArray(proto.dim)) return undefined;
  return ((proto.dim ?? []) as unknown[]).map((d) => {
    const raw = typeof d === 'object' && d !== null ? (d as { size?: unknown }).size : undefined;
    const size = typeof raw === 'number' ? raw : parseInt(typeof raw === 'string' ? raw : '0', 10);
    return Number.isFinite(size) && size >= 0 ? size : null;
  });
}
