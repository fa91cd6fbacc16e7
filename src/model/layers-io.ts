/**
 * Inputs and outputs of a layers model, from its topology alone: input shapes from the input layers'
 * `batch_input_shape` (or the first layer's, in a Sequential), output shapes by following the layers
 * (layer-shapes.ts), through nested models, TimeDistributed and Bidirectional wrappers.
 */
import type { TensorInfo } from './types';
import { isLayerJson, isModelClass, layerName, layersOf, modelConfigOf, type LayerJson } from './layers-topology';
import { layerOutputShape, type Shape } from './layer-shapes';

export interface ModelIO {
  inputs: TensorInfo[];
  outputs: TensorInfo[];
}

interface Inferred {
  inputs: { name: string; shape: Shape | undefined; dtype: string }[];
  outputs: { name: string; shape: Shape | undefined }[];
}

/**
 * @example
 *   layersModelIO(modelJson.modelTopology);
 *   // { inputs: [{ name: 'input_1', shape: [null, 224, 224, 3], dtype: 'float32' }], outputs: [...] }
 */
export function layersModelIO(topology: unknown): ModelIO {
  const model = modelConfigOf(topology);
  if (!model) return { inputs: [], outputs: [] };
  const inferred = inferModel(model, undefined);
  return {
    inputs: inferred.inputs.map((t) => info(t.name, t.shape, t.dtype)),
    outputs: inferred.outputs.map((t) => info(t.name, t.shape, 'float32')),
  };
}

function info(name: string, shape: Shape | undefined, dtype: string): TensorInfo {
  return shape ? { name, shape, dtype } : { name, shape: [], dtype, shapeUnknown: true };
}

/** Infers a (possibly nested) model; `given` overrides its input shapes when it is used as a layer. */
function inferModel(model: LayerJson, given: Shape[] | undefined): Inferred {
  return Array.isArray(model.config.input_layers) ? inferFunctional(model, given) : inferSequential(model, given);
}

function batchShapeOf(config: Record<string, unknown>): Shape | undefined {
  const batch = config.batch_input_shape ?? config.batch_shape;
  if (Array.isArray(batch)) return batch.map((d) => (typeof d === 'number' && d >= 0 ? d : null));
  if (Array.isArray(config.input_shape)) return [null, ...config.input_shape.map((d) => (typeof d === 'number' ? d : null))];
  if (typeof config.input_dim === 'number') return [null, config.input_dim];
  return undefined;
}

function dtypeOf(config: Record<string, unknown>): string {
  return typeof config.dtype === 'string' ? config.dtype : 'float32';
}

function inferSequential(model: LayerJson, given: Shape[] | undefined): Inferred {
  const layers = layersOf(model);
  if (layers.length === 0) return { inputs: [], outputs: [] };
  const [first] = layers;
  let input: Inferred['inputs'][number];
  let rest = layers;
  if (first.class_name === 'InputLayer') {
    input = { name: layerName(first), shape: batchShapeOf(first.config), dtype: dtypeOf(first.config) };
    rest = layers.slice(1);
  } else if (isModelClass(first.class_name)) {
    const inner = inferModel(asModel(first), given)
      .inputs[0];
    input = inner ?? { name: `${layerName(first)}_input`, shape: undefined, dtype: 'float32' };
  } else {
    input = { name: `${layerName(first)}_input`, shape: batchShapeOf(first.config), dtype: dtypeOf(first.config) };
  }
  if (given?.[0]) input = { ...input, shape: given[0] };
  let shape = input.shape;
  for (const layer of rest) shape = shape && applyLayer(layer, [shape]);
  return { inputs: [input], outputs: [{ name: layerName(layers[layers.length - 1]), shape }] };
}

function inferFunctional(model: LayerJson, given: Shape[] | undefined): Inferred {
  const layers = new Map(layersOf(model).map((l) => [layerName(l), l]));
  const refs = (key: string) => (Array.isArray(model.config[key]) ? (model.config[key] as unknown[]) : []).map(tensorRef);
  const inputRefs = refs('input_layers');
  const overrides = new Map<string, Shape>();
  inputRefs.forEach((ref, i) => {
    if (ref && given?.[i]) overrides.set(ref.layer, given[i]);
  });
  const memo = new Map<string, Shape[] | undefined>();
  const visiting = new Set<string>();

  const outputsOf = (name: string, nodeIndex: number): Shape[] | undefined => {
    const key = `${name}#${nodeIndex}`;
    if (memo.has(key)) return memo.get(key);
    const layer = layers.get(name);
    if (!layer || visiting.has(key)) return undefined;
    visiting.add(key);
    let result: Shape[] | undefined;
    if (layer.class_name === 'InputLayer') {
      const shape = overrides.get(name) ?? batchShapeOf(layer.config);
      result = shape && [shape];
    } else {
      const inbound = inboundRefs(layer, nodeIndex);
      const shapes = inbound.map((r) => outputsOf(r.layer, r.node)?.[r.tensor]);
      if (inbound.length > 0 && shapes.every((s): s is Shape => s !== undefined)) {
        const out = applyLayer(layer, shapes);
        result = out && [out];
      }
    }
    visiting.delete(key);
    memo.set(key, result);
    return result;
  };

  const inputs = inputRefs.flatMap((ref) => {
    const layer = ref && layers.get(ref.layer);
    if (!ref || !layer) return [];
    return [{ name: ref.layer, shape: overrides.get(ref.layer) ?? batchShapeOf(layer.config), dtype: dtypeOf(layer.config) }];
  });
  const outputs = refs('output_layers').flatMap((ref) =>
    ref ? [{ name: ref.layer, shape: outputsOf(ref.layer, ref.node)?.[ref.tensor] }] : [],
  );
  return { inputs, outputs };
}

/** Applies one layer, recursing into nested models and wrappers. */
function applyLayer(layer: LayerJson, inputs: Shape[]): Shape | undefined {
  if (isModelClass(layer.class_name)) return inferModel(asModel(layer), inputs).outputs[0]?.shape;
  const wrapped = layer.config.layer;
  if (layer.class_name === 'TimeDistributed' && isLayerJson(wrapped)) {
    const [x] = inputs;
    const inner = applyLayer(wrapped, [[x[0], ...x.slice(2)]]);
    return inner && [inner[0], x[1] ?? null, ...inner.slice(1)];
  }
  if (layer.class_name === 'Bidirectional' && isLayerJson(wrapped)) {
    const inner = applyLayer(wrapped, inputs);
    if (!inner) return undefined;
    const mode = layer.config.merge_mode ?? 'concat';
    if (mode !== 'concat') return inner;
    const last = inner[inner.length - 1];
    return [...inner.slice(0, -1), last === null ? null : last * 2];
  }
  return layerOutputShape(layer.class_name, layer.config, inputs);
}

function asModel(layer: LayerJson): LayerJson {
  const config = Array.isArray(layer.config) ? { layers: layer.config } : layer.config;
  return { class_name: layer.class_name, config };
}

export interface TensorRef {
  layer: string;
  node: number;
  tensor: number;
}

/** ['name', nodeIndex, tensorIndex] (Keras 2) to a reference. */
function tensorRef(value: unknown): TensorRef | null {
  if (Array.isArray(value) && typeof value[0] === 'string') {
    return { layer: value[0], node: Number(value[1] ?? 0), tensor: Number(value[2] ?? 0) };
  }
  return null;
}

/**
 * The tensors feeding one call of a layer. Keras 2 stores a call as [[name, node, tensor, kwargs], ...]; Keras 3
 * as {args: [...], kwargs} with `keras_history: [name, node, tensor]` on each tensor.
 */
export function inboundRefs(layer: LayerJson, nodeIndex: number): TensorRef[] {
  const node = layer.inbound_nodes?.[nodeIndex];
  if (Array.isArray(node)) return node.map(tensorRef).filter((r): r is TensorRef => r !== null);
  const refs: TensorRef[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (typeof value === 'object' && value !== null) {
      const history = (value as { config?: { keras_history?: unknown } }).config?.keras_history;
      const ref = tensorRef(history);
      if (ref) refs.push(ref);
      else Object.values(value).forEach(walk);
    }
  };
  if (typeof node === 'object' && node !== null) walk((node as { args?: unknown }).args);
  return refs;
}
