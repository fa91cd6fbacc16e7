/**
 * Nested layers models (a Sequential or functional model used as a layer, as Teachable Machine exports wrap a
 * MobileNet and a head) as one flat functional topology: every inner layer becomes a layer of the outer model,
 * wired to what fed the nested model, and what took the nested model's output takes its inner output layer's.
 * Weights keep their names and owners (the inner layers' names), so folding and graph export work on the flat
 * form unchanged. Only for the graph export: a flat layers model would name its weights differently in TF.js.
 */
import { PareError } from '../errors';
import { isModelClass, layerName, layersOf, modelConfigOf, type LayerJson } from '../model/layers-topology';
import { inboundOf, refName, type LayerCall } from './layer-graph';

/** Whether any layer of the topology is itself a model. */
export function hasNestedModels(topology: unknown): boolean {
  const model = modelConfigOf(topology);
  return !!model && layersOf(model).some((l) => isModelClass(l.class_name));
}

/**
 * The topology with nested models inlined, as a Keras 2 functional model.
 * @throws PareError('unsupported') when an inner layer's name is used twice, or a nested model has several inputs or outputs
 */
export function flattenLayers(topology: unknown): unknown {
  const model = modelConfigOf(topology);
  if (!model) throw new PareError('unsupported', 'The model has no layers topology Pare can read (expected {class_name, config}).');
  const calls: LayerCall[] = [];
  const { inputs, outputs } = inline(model, null, calls);
  const seen = new Set<string>();
  for (const c of calls) {
    if (seen.has(c.name)) throw new PareError('unsupported', `Two layers of the nested model are named '${c.name}'; Pare cannot flatten it.`);
    seen.add(c.name);
  }
  return {
    class_name: 'Model',
    config: {
      name: typeof model.config.name === 'string' ? model.config.name : 'flattened',
      layers: calls.map((c) => ({ class_name: c.className, name: c.name, config: c.config, inbound_nodes: c.inputs.length ? [c.inputs.map((n) => [n, 0, 0, {}])] : [] })),
      input_layers: inputs.map((n) => [n, 0, 0]),
      output_layers: outputs.map((n) => [n, 0, 0]),
    },
  };
}

/**
 * Appends `model`'s layers to `calls`. `fed` is the flat name of the tensor feeding a nested model (null at the top,
 * where input layers stay). Returns the flat names of the model's inputs and outputs.
 */
function inline(model: LayerJson, fed: string | null, calls: LayerCall[]): { inputs: string[]; outputs: string[] } {
  return Array.isArray(model.config.input_layers) ? inlineFunctional(model, fed, calls) : inlineSequential(model, fed, calls);
}

function asModel(l: LayerJson): LayerJson {
  return { class_name: l.class_name, config: Array.isArray(l.config) ? { layers: l.config } : l.config };
}

/**
 * Inlines nested model `l` fed by `input` (null: it is the top model's first layer and brings its own inputs). Its
 * output keeps the model's name through a linear Activation after it (graph export makes that an Identity at most),
 * so the layers that took it, and the model's output names, stay as TF.js names them.
 */
function nested(l: LayerJson, input: string | null, calls: LayerCall[]): { input: string; output: string } {
  const inner = inline(asModel(l), input, calls);
  const name = layerName(l);
  if (inner.outputs.length !== 1) throw new PareError('unsupported', `Nested model '${name}' has ${inner.outputs.length} outputs; Pare flattens nested models with one.`);
  calls.push({ name, className: 'Activation', config: { name, activation: 'linear' }, inputs: [inner.outputs[0]!] });
  return { input: inner.inputs[0]!, output: name };
}

function inlineSequential(model: LayerJson, fed: string | null, calls: LayerCall[]): { inputs: string[]; outputs: string[] } {
  const layers = layersOf(model);
  const [first] = layers;
  if (!first) throw new PareError('unsupported', 'The Sequential model has no layers.');
  let rest = layers;
  let input: string;
  if (first.class_name === 'InputLayer') {
    input = fed ?? layerName(first);
    if (fed === null) calls.push({ name: input, className: 'InputLayer', config: first.config, inputs: [] });
    rest = layers.slice(1);
  } else if (fed !== null) {
    input = fed;
  } else if (isModelClass(first.class_name)) {
    // TF.js gives a Sequential that starts with a model that model's own inputs.
    const inner = nested(first, null, calls);
    let previous = inner.output;
    for (const l of layers.slice(1)) previous = append(l, previous, calls);
    return { inputs: [inner.input], outputs: [previous] };
  } else {
    input = `${layerName(first)}_input`;
    const c = first.config;
    calls.push({ name: input, className: 'InputLayer', config: { name: input, batch_input_shape: c.batch_input_shape ?? c.batch_shape, dtype: c.dtype ?? 'float32' }, inputs: [] });
  }
  let previous = input;
  for (const l of rest) previous = append(l, previous, calls);
  return { inputs: [input], outputs: [previous] };
}

function append(l: LayerJson, previous: string, calls: LayerCall[]): string {
  if (isModelClass(l.class_name)) return nested(l, previous, calls).output;
  calls.push({ name: layerName(l), className: l.class_name, config: l.config, inputs: [previous] });
  return layerName(l);
}

function inlineFunctional(model: LayerJson, fed: string | null, calls: LayerCall[]): { inputs: string[]; outputs: string[] } {
  const rename = new Map<string, string>();
  const flat = (n: string) => rename.get(n) ?? n;
  const inputRefs = (model.config.input_layers as unknown[]).map((r) => refName(r, "the model's input_layers"));
  if (fed !== null && inputRefs.length !== 1) throw new PareError('unsupported', `A nested model with ${inputRefs.length} inputs cannot be flattened by Pare.`);
  for (const l of layersOf(model)) {
    const name = layerName(l);
    if (l.class_name === 'InputLayer') {
      if (fed !== null) rename.set(name, fed);
      else calls.push({ name, className: 'InputLayer', config: l.config, inputs: [] });
      continue;
    }
    const inputs = inboundOf(l).map(flat);
    if (isModelClass(l.class_name)) {
      if (inputs.length !== 1) throw new PareError('unsupported', `Nested model '${name}' takes ${inputs.length} inputs; Pare flattens nested models with one.`);
      nested(l, inputs[0]!, calls);
    } else calls.push({ name, className: l.class_name, config: l.config, inputs });
  }
  const outputs = (model.config.output_layers as unknown[]).map((r) => flat(refName(r, "the model's output_layers")));
  return { inputs: fed !== null ? [fed] : inputRefs, outputs };
}
