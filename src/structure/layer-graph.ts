/**
 * A layers model's topology as a flat graph of layer calls: each layer with the layers whose outputs it takes,
 * the model's inputs and outputs. Sequential models get the input TF.js itself gives them (`<first layer>_input`).
 * Folding and graph export need to know who consumes what; a topology they cannot reason about (nested models,
 * a layer called twice, a layer with several outputs) is refused here with the layer named, not half-handled.
 */
import { PareError } from '../errors';
import { isModelClass, layerName, layersOf, modelConfigOf, type LayerJson } from '../model/layers-topology';

export interface LayerCall {
  name: string;
  className: string;
  config: Record<string, unknown>;
  /** Names of the layers whose (single) output this call takes, in order. */
  inputs: string[];
}

export interface LayerGraph {
  sequential: boolean;
  /** In the topology's order, which Keras writes producers first; InputLayers included. */
  layers: LayerCall[];
  /** InputLayer names. */
  inputs: string[];
  /** Layers whose outputs are the model's outputs, in order. */
  outputs: string[];
}

/**
 * @throws PareError('unsupported') for nested models, shared layers and multi-output references
 * @example layerGraphOf(json.modelTopology).layers.map((l) => `${l.name} <- ${l.inputs.join(', ')}`)
 */
export function layerGraphOf(topology: unknown): LayerGraph {
  const model = modelConfigOf(topology);
  if (!model) throw new PareError('unsupported', 'The model has no layers topology Pare can read (expected {class_name, config}).');
  const layers = layersOf(model);
  for (const l of layers) {
    if (isModelClass(l.class_name)) {
      throw new PareError('unsupported', `Layer '${layerName(l)}' is a nested ${l.class_name}; Pare restructures only flat models.`);
    }
  }
  return Array.isArray(model.config.input_layers) ? functional(model, layers) : sequential(layers);
}

function sequential(layers: LayerJson[]): LayerGraph {
  const calls: LayerCall[] = [];
  let previous: string;
  const [first] = layers;
  if (!first) throw new PareError('unsupported', 'The Sequential model has no layers.');
  if (first.class_name === 'InputLayer') {
    previous = layerName(first);
    calls.push(call(first, []));
  } else {
    // TF.js names a Sequential's implicit input after its first layer, with the first layer's input shape.
    previous = `${layerName(first)}_input`;
    const { batch_input_shape, batch_shape, input_shape, input_dim, dtype } = first.config;
    calls.push({ name: previous, className: 'InputLayer', config: { name: previous, batch_input_shape: batch_input_shape ?? batch_shape ?? inputShape(input_shape, input_dim), dtype: dtype ?? 'float32' }, inputs: [] });
  }
  for (const layer of first.class_name === 'InputLayer' ? layers.slice(1) : layers) {
    calls.push(call(layer, [previous]));
    previous = layerName(layer);
  }
  return { sequential: true, layers: calls, inputs: [calls[0]!.name], outputs: [previous] };
}

function inputShape(shape: unknown, dim: unknown): unknown {
  if (Array.isArray(shape)) return [null, ...shape];
  if (typeof dim === 'number') return [null, dim];
  return undefined;
}

function functional(model: LayerJson, layers: LayerJson[]): LayerGraph {
  const calls = layers.map((l) => call(l, inboundOf(l)));
  const refs = (key: string) => (model.config[key] as unknown[]).map((r) => refName(r, `the model's ${key}`));
  return { sequential: false, layers: calls, inputs: refs('input_layers'), outputs: refs('output_layers') };
}

function call(layer: LayerJson, inputs: string[]): LayerCall {
  return { name: layerName(layer), className: layer.class_name, config: layer.config, inputs };
}

/** The producers of a layer's one call: Keras 2 `[[name, node, tensor, kwargs], ...]`, Keras 3 `{args}` with keras_history. */
export function inboundOf(layer: LayerJson): string[] {
  const nodes = layer.inbound_nodes ?? [];
  const name = layerName(layer);
  if (nodes.length > 1) {
    throw new PareError('unsupported', `Layer '${name}' is called ${nodes.length} times (a shared layer); Pare restructures only layers called once.`);
  }
  const node = nodes[0];
  if (node === undefined) return [];
  if (Array.isArray(node)) return node.map((r) => refName(r, `layer '${name}'`));
  const out: string[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (typeof value === 'object' && value !== null) {
      const history = (value as { config?: { keras_history?: unknown } }).config?.keras_history;
      if (Array.isArray(history)) out.push(refName(history, `layer '${name}'`));
      else Object.values(value).forEach(walk);
    }
  };
  walk((node as { args?: unknown }).args);
  return out;
}

/** `[layer, node, tensor]` to the layer name; only the first output of the first call can be followed. */
export function refName(ref: unknown, where: string): string {
  if (!Array.isArray(ref) || typeof ref[0] !== 'string') {
    throw new PareError('unsupported', `${where} refers to a tensor Pare cannot read (${JSON.stringify(ref)}).`);
  }
  if (Number(ref[1] ?? 0) !== 0 || Number(ref[2] ?? 0) !== 0) {
    throw new PareError('unsupported', `${where} takes output ${ref[2]} of call ${ref[1]} of layer '${ref[0]}'; Pare follows only single-output layers called once.`);
  }
  return ref[0];
}

/** How many times each layer's output is taken (by layers and as a model output). */
export function consumerCounts(graph: LayerGraph): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (n: string) => counts.set(n, (counts.get(n) ?? 0) + 1);
  for (const l of graph.layers) l.inputs.forEach(add);
  graph.outputs.forEach(add);
  return counts;
}
