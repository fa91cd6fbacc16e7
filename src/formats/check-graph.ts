/**
 * A graph model's node list against itself and against its weights manifest. Stock tf.loadGraphModel throws a
 * TypeError for a node that is not an object or an input naming no node, and loads (to fail or loop when run) a
 * graph with a cycle or a Const node without its weight; all of these are refused by name. What stock loads and
 * only fails on if that node runs — an op its executor does not know, a weight no node uses — is a warning.
 */
import { PareError, type PareWarning } from '../errors';
import { quoteName } from '../files/quote';
import { nodeNameOf, type GraphNode } from '../model/graph-topology';
import type { WeightSpecJson } from './model-json-schema';
import type { StockRegistry } from './stock-check';

/**
 * @throws PareError 'bad-graph' (empty list, a node that is not a named object with an op, an input naming no
 *   node), 'graph-cycle' (a node reached again through its own inputs), 'missing-weight' (a Const without weight)
 */
export function checkGraph(topology: Record<string, unknown>, specs: readonly WeightSpecJson[], file: string, registry: StockRegistry): PareWarning[] {
  const list = topology.node as unknown[];
  if (list.length === 0) {
    throw new PareError('bad-graph', `${quoteName(file)} has an empty node list (modelTopology.node is []); a graph model needs its nodes.`, { file });
  }
  const versions = topology.versions;
  if (typeof versions !== 'object' || versions === null || Array.isArray(versions)) {
    throw new PareError(
      'bad-graph',
      `${quoteName(file)} has no modelTopology.versions (found ${kindOf(versions)}); stock TF.js reads the graph's producer version from it and cannot load the model without it.`,
      { file },
    );
  }
  const nodes = new Map<string, GraphNode>();
  const repeated = new Set<string>();
  list.forEach((node, i) => {
    const where = `modelTopology.node[${i}]`;
    if (typeof node !== 'object' || node === null || Array.isArray(node)) {
      throw new PareError('bad-graph', `${quoteName(file)}: ${where} should be a node (an object with name and op); found ${kindOf(node)}.`, { file });
    }
    const n = node as Record<string, unknown>;
    if (typeof n.name !== 'string' || n.name === '') {
      throw new PareError('bad-graph', `${quoteName(file)}: ${where} has no name (found ${kindOf(n.name)}); every node needs one.`, { file });
    }
    if (typeof n.op !== 'string' || n.op === '') {
      throw new PareError('bad-graph', `${quoteName(file)}: node ${quoteName(n.name)} has no op (found ${kindOf(n.op)}).`, { file });
    }
    if (n.input !== undefined && !(Array.isArray(n.input) && n.input.every((x) => typeof x === 'string'))) {
      throw new PareError('bad-graph', `${quoteName(file)}: the inputs of node ${quoteName(n.name)} should be a list of node names; found ${kindOf(n.input)}.`, { file });
    }
    if (nodes.has(n.name)) repeated.add(n.name);
    nodes.set(n.name, n as unknown as GraphNode);
  });
  for (const node of nodes.values()) {
    for (const input of node.input ?? []) {
      if (!nodes.has(nodeNameOf(input))) {
        throw new PareError(
          'bad-graph',
          `Node ${quoteName(node.name)} in ${quoteName(file)} takes input ${quoteName(input)}, but the graph has no node ${quoteName(nodeNameOf(input))}.`,
          { file },
        );
      }
    }
  }
  checkAcyclic(nodes, file);
  return [...repeatedNodeWarnings(repeated, file), ...checkConstWeights(nodes, specs, file), ...unknownOpWarnings(nodes, file, registry)];
}

/**
 * Kahn's algorithm, without recursion. TF while loops feed a Merge from a NextIteration: those back edges are
 * how loops are written and are not followed; any other cycle would make the model loop or fail when run.
 */
function checkAcyclic(nodes: ReadonlyMap<string, GraphNode>, file: string): void {
  const inputsOf = (node: GraphNode) => (node.input ?? []).map(nodeNameOf).filter((src) => !nodes.get(src)!.op.startsWith('NextIteration'));
  const pending = new Map<string, number>();
  const consumers = new Map<string, string[]>();
  for (const node of nodes.values()) {
    const inputs = inputsOf(node);
    pending.set(node.name, inputs.length);
    for (const src of inputs) consumers.set(src, [...(consumers.get(src) ?? []), node.name]);
  }
  const ready = [...pending].filter(([, n]) => n === 0).map(([name]) => name);
  while (ready.length > 0) {
    const name = ready.pop()!;
    pending.delete(name);
    for (const c of consumers.get(name) ?? []) {
      const left = pending.get(c)! - 1;
      pending.set(c, left);
      if (left === 0) ready.push(c);
    }
  }
  if (pending.size === 0) return;
  const self = [...pending.keys()].find((n) => inputsOf(nodes.get(n)!).includes(n));
  if (self !== undefined) {
    throw new PareError('graph-cycle', `Node ${quoteName(self)} in ${quoteName(file)} takes its own output as an input (a self-loop); stock TF.js cannot run it.`, { file });
  }
  const [start] = pending.keys();
  // Walk inputs among the nodes left until one repeats: that stretch is a cycle to show.
  const path: string[] = [];
  const at = new Map<string, number>();
  let current = start;
  while (!at.has(current)) {
    at.set(current, path.length);
    path.push(current);
    current = inputsOf(nodes.get(current)!).find((src) => pending.has(src))!;
  }
  const cycle = path.slice(at.get(current)).reverse();
  const shown = [...cycle.slice(0, 3), ...(cycle.length > 3 ? ['…'] : []), cycle[0]].map((n) => (n === '…' ? n : quoteName(n))).join(' -> ');
  throw new PareError(
    'graph-cycle',
    `The graph in ${quoteName(file)} has a cycle of ${cycle.length} nodes (${shown}) outside any while loop; stock TF.js cannot run it.`,
    { file },
  );
}

/** Stock TF.js keys nodes by name: of several nodes with one name, the last one is the graph's. */
function repeatedNodeWarnings(repeated: ReadonlySet<string>, file: string): PareWarning[] {
  if (repeated.size === 0) return [];
  const names = [...repeated];
  const shown = names.slice(0, 3).map(quoteName).join(', ') + (names.length > 3 ? ', …' : '');
  return [
    {
      code: 'duplicate-node',
      message: `${names.length === 1 ? 'A node name appears' : `${names.length} node names appear`} more than once in ${quoteName(file)} (${shown}); stock TF.js keeps the last node of each name, and so does Pare.`,
      file,
    },
  ];
}

function checkConstWeights(nodes: ReadonlyMap<string, GraphNode>, specs: readonly WeightSpecJson[], file: string): PareWarning[] {
  const names = new Set(specs.map((s) => s.name));
  for (const node of nodes.values()) {
    if (node.op === 'Const' && !names.has(node.name)) {
      throw new PareError(
        'missing-weight',
        `Const node ${quoteName(node.name)} in ${quoteName(file)} has no weight in the manifest; stock TF.js loads such a model but fails when the node runs.`,
        { file, weight: node.name },
      );
    }
  }
  const unused = specs.filter((s) => !nodes.has(s.name));
  if (unused.length === 0) return [];
  const shown = unused.slice(0, 3).map((s) => quoteName(s.name)).join(', ') + (unused.length > 3 ? ', …' : '');
  return [
    {
      code: 'unowned-weight',
      message: `${unused.length === 1 ? 'Weight' : `${unused.length} weights`} in the manifest of ${quoteName(file)} (${shown}) ${unused.length === 1 ? 'belongs' : 'belong'} to no node of the graph; stock TF.js loads ${unused.length === 1 ? 'it' : 'them'} and never uses ${unused.length === 1 ? 'it' : 'them'}.`,
      file,
      weight: unused[0].name,
    },
  ];
}

/** Ops TF.js's graph executor does not know: stock loads the graph and fails only if such a node runs. */
function unknownOpWarnings(nodes: ReadonlyMap<string, GraphNode>, file: string, registry: StockRegistry): PareWarning[] {
  const ops = [...new Set([...nodes.values()].map((n) => n.op))];
  return registry.unknownOps(ops).map((op) => {
    const users = [...nodes.values()].filter((n) => n.op === op);
    return {
      code: 'unknown-op' as const,
      message: `Node ${quoteName(users[0].name)}${users.length > 1 ? ` (and ${users.length - 1} more)` : ''} in ${quoteName(file)} uses op ${quoteName(op)}, which TF.js's graph executor does not know; stock TF.js loads the model but fails if that node runs.`,
      file,
    };
  });
}

function kindOf(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `the string ${quoteName(value.slice(0, 40))}`;
  return `${typeof value === 'object' ? 'an' : 'the'} ${typeof value}${typeof value === 'object' ? '' : ` ${String(value)}`}`;
}
