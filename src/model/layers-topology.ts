/**
 * Walking a Keras layers topology as TF.js stores it: `{class_name, config}` (or, in older files, wrapped in
 * `model_config`), where Sequential configs hold `layers` (or, in the oldest, are the layer array themselves) and
 * functional models (`Model` / `Functional`) add `input_layers`, `output_layers` and per-layer `inbound_nodes`.
 */
export interface LayerJson {
  class_name: string;
  config: Record<string, unknown>;
  name?: string;
  inbound_nodes?: unknown[];
}

/** One layer found anywhere in the model, nested models and wrapped layers included. */
export interface LayerNode {
  name: string;
  className: string;
  config: Record<string, unknown>;
  /** For wrappers (TimeDistributed, Bidirectional): the wrapped layer's class. */
  innerClassName?: string;
}

const MODEL_CLASSES = new Set(['Sequential', 'Model', 'Functional']);

export function isModelClass(className: string): boolean {
  return MODEL_CLASSES.has(className);
}

/** The `{class_name, config}` of the model itself, unwrapping the older `model_config` envelope. */
export function modelConfigOf(topology: unknown): LayerJson | null {
  if (!isRecord(topology)) return null;
  const inner = isRecord(topology.model_config) ? topology.model_config : topology;
  if (typeof inner.class_name !== 'string') return null;
  const config = Array.isArray(inner.config) ? { layers: inner.config } : inner.config;
  return { class_name: inner.class_name, config: isRecord(config) ? config : {} };
}

/** The layer list of a model config (Sequential or functional). */
export function layersOf(model: LayerJson): LayerJson[] {
  const layers = model.config.layers;
  return Array.isArray(layers) ? layers.filter(isLayerJson) : [];
}

/** The name a layer is known by: its config name, or the functional model's outer name. */
export function layerName(layer: LayerJson): string {
  const name = layer.config.name ?? layer.name;
  return typeof name === 'string' ? name : '';
}

/**
 * Every layer of the model, depth first, with nested models (and the layers inside them) and wrapped layers.
 *
 * @example
 *   collectLayers(modelJson.modelTopology).map((l) => l.className); // ['Conv2D', 'BatchNormalization', ...]
 */
export function collectLayers(topology: unknown): LayerNode[] {
  const model = modelConfigOf(topology);
  const out: LayerNode[] = [];
  if (model) visit(model, out);
  return out;
}

function visit(model: LayerJson, out: LayerNode[]): void {
  for (const layer of layersOf(model)) {
    const node: LayerNode = { name: layerName(layer), className: layer.class_name, config: layer.config };
    const wrapped = layer.config.layer;
    if (isLayerJson(wrapped)) node.innerClassName = wrapped.class_name;
    out.push(node);
    if (isModelClass(layer.class_name)) {
      const config = Array.isArray(layer.config) ? { layers: layer.config } : layer.config;
      visit({ class_name: layer.class_name, config }, out);
    }
  }
}

export function isLayerJson(value: unknown): value is LayerJson {
  return isRecord(value) && typeof value.class_name === 'string' && (isRecord(value.config) || Array.isArray(value.config));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
