/**
 * Channel removal's view of a layers model (tolerant: what it cannot treat as one call is flagged, not refused;
 * fold-batchnorm and graph export use the strict reader in layer-graph.ts). The topology as a graph Pare can walk in order: each layer with the layers it reads (Sequential
 * models read the previous layer; functional models say so in `inbound_nodes`), and which layers are the model's
 * outputs. Layers called more than once (shared weights) and nested models are flagged, since channel removal
 * cannot treat them as one call.
 */
import { inboundRefs } from '../model/layers-io';
import { isModelClass, layerName, layersOf, modelConfigOf, type LayerJson } from '../model/layers-topology';
import type { Shape } from '../model/layer-shapes';

export interface GraphLayer {
  name: string;
  className: string;
  config: Record<string, unknown>;
  /** Names of the layers whose (first) output this layer reads, in argument order. */
  inputs: string[];
  /** For the implicit input of a Sequential model: the shape its first layer declares. */
  inputShape?: Shape;
  /** Why this layer cannot be treated as one call of one layer, when it cannot. */
  irregular?: string;
}

export interface LayerGraph {
  layers: GraphLayer[];
  outputs: string[];
}

function batchShape(config: Record<string, unknown>): Shape | undefined {
  const batch = config.batch_input_shape ?? config.batch_shape;
  if (Array.isArray(batch)) return batch.map((d) => (typeof d === 'number' && d >= 0 ? d : null));
  if (Array.isArray(config.input_shape)) return [null, ...config.input_shape.map((d) => (typeof d === 'number' ? d : null))];
  if (typeof config.input_dim === 'number') return [null, config.input_dim];
  return undefined;
}

function irregularity(layer: LayerJson, calls: number): string | undefined {
  if (isModelClass(layer.class_name)) return `'${layerName(layer)}' is a nested model`;
  if (calls > 1) return `'${layerName(layer)}' is called ${calls} times (shared weights)`;
  return undefined;
}

/**
 * @example layerGraph(modelJson.modelTopology).layers.map((l) => [l.name, l.inputs]);
 */
export function layerGraph(topology: unknown): LayerGraph {
  const model = modelConfigOf(topology);
  if (!model) return { layers: [], outputs: [] };
  const list = layersOf(model);
  if (!Array.isArray(model.config.input_layers)) {
    // Sequential: an implicit input layer, then a chain.
    const layers: GraphLayer[] = [];
    const first = list[0];
    let previous = '';
    if (first && first.class_name !== 'InputLayer') {
      previous = `${layerName(first)}_input`;
      layers.push({ name: previous, className: 'InputLayer', config: {}, inputs: [], inputShape: batchShape(first.config) });
    }
    for (const l of list) {
      const node: GraphLayer = { name: layerName(l), className: l.class_name, config: l.config, inputs: previous ? [previous] : [] };
      if (l.class_name === 'InputLayer') node.inputShape = batchShape(l.config);
      const odd = irregularity(l, 1);
      if (odd) node.irregular = odd;
      layers.push(node);
      previous = node.name;
    }
    return { layers, outputs: previous ? [previous] : [] };
  }
  const layers = list.map((l): GraphLayer => {
    const calls = l.inbound_nodes?.length ?? 0;
    const refs = calls > 0 ? inboundRefs(l, 0) : [];
    const node: GraphLayer = { name: layerName(l), className: l.class_name, config: l.config, inputs: refs.map((r) => r.layer) };
    if (l.class_name === 'InputLayer') node.inputShape = batchShape(l.config);
    const odd = irregularity(l, calls) ?? (refs.some((r) => r.node !== 0 || r.tensor !== 0) ? `'${layerName(l)}' reads a second output of a layer` : undefined);
    if (odd) node.irregular = odd;
    return node;
  });
  const outputs = (model.config.output_layers as unknown[]).flatMap((r) => (Array.isArray(r) && typeof r[0] === 'string' ? [r[0]] : []));
  return { layers, outputs };
}
