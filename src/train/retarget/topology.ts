/**
 * The retargeted model's topology: the source's layers up to the cut, exactly as the source wrote them (the
 * backbone's input and preprocessing layers stay), followed by the new head, as one stock Keras layers model in
 * the source's own JSON layout (Sequential stays Sequential; a functional model keeps only the cut's ancestors).
 */
import { PareError } from '../../errors';
import { layerName, layersOf, modelConfigOf, type LayerJson } from '../../model/layers-topology';

/** The layers of the new head, in order; names are unique in the new model. */
export interface HeadSpec {
  /** A Flatten layer first, when the cut's output is not a vector. */
  flatten: string | null;
  hidden: { name: string; units: number } | null;
  output: { name: string; units: number };
  /** Features the head reads (the cut's output, flattened). */
  inputDim: number;
}

/** A name not yet taken: `base`, else base_2, base_3, ... */
function freshName(base: string, taken: Set<string>): string {
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}_${i}`;
  taken.add(name);
  return name;
}

/** The head for `classes` classes reading `cutShape` (batch dimension first), named apart from `taken`. */
export function headSpec(cutShape: readonly (number | null)[], classes: number, hidden: number, taken: Iterable<string>): HeadSpec {
  const names = new Set(taken);
  const dims = cutShape.slice(1) as number[];
  return {
    flatten: dims.length > 1 ? freshName('retarget_flatten', names) : null,
    hidden: hidden > 0 ? { name: freshName('retarget_hidden', names), units: hidden } : null,
    output: { name: freshName('retarget_classes', names), units: classes },
    inputDim: dims.reduce((a, b) => a * b, 1),
  };
}

/** The Dense layers of the head with their weight shapes, in the order their weights are written. */
export function headDenseLayers(head: HeadSpec): { name: string; inputs: number; units: number; activation: 'relu' | 'softmax' }[] {
  const out: { name: string; inputs: number; units: number; activation: 'relu' | 'softmax' }[] = [];
  if (head.hidden) out.push({ name: head.hidden.name, inputs: head.inputDim, units: head.hidden.units, activation: 'relu' });
  out.push({ name: head.output.name, inputs: head.hidden?.units ?? head.inputDim, units: head.output.units, activation: 'softmax' });
  return out;
}

function denseJson(name: string, units: number, activation: string): LayerJson {
  return {
    class_name: 'Dense',
    config: {
      name, trainable: true, dtype: 'float32', units, activation, use_bias: true,
      kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } },
      bias_initializer: { class_name: 'Zeros', config: {} },
      kernel_regularizer: null, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, bias_constraint: null,
    },
  };
}

/** The head's layers as Keras JSON, in order. */
function headLayersJson(head: HeadSpec): LayerJson[] {
  const layers: LayerJson[] = [];
  if (head.flatten) layers.push({ class_name: 'Flatten', config: { name: head.flatten, trainable: true, dtype: 'float32', data_format: 'channels_last' } });
  for (const d of headDenseLayers(head)) layers.push(denseJson(d.name, d.units, d.activation));
  return layers;
}

/** Names of the layers each functional layer reads from (old Keras `inbound_nodes`: [[[name, node, tensor, kwargs]]]). */
function inboundNames(layer: LayerJson): string[] {
  const nodes = layer.inbound_nodes ?? [];
  return nodes.flatMap((node) => {
    if (!Array.isArray(node)) throw new PareError('unsupported', `Layer '${layerName(layer)}' lists its inputs in a form Pare does not read (inbound_nodes of Keras 3); retarget needs the Keras 2 form TF.js writes.`);
    return node.map((t) => (Array.isArray(t) && typeof t[0] === 'string' ? t[0] : ''));
  });
}

/** The layer `cut` and every layer it depends on, in the model's order. */
function ancestorsOf(layers: LayerJson[], cut: string): LayerJson[] {
  const byName = new Map(layers.map((l) => [layerName(l), l]));
  const keep = new Set<string>();
  const stack = [cut];
  while (stack.length) {
    const name = stack.pop()!;
    if (keep.has(name)) continue;
    keep.add(name);
    const layer = byName.get(name);
    if (layer) stack.push(...inboundNames(layer));
  }
  return layers.filter((l) => keep.has(layerName(l)));
}

/**
 * The new topology (same envelope as `topology`: `model_config` wrapper, keras_version, backend; the old
 * training_config is dropped, as it described the old head's loss) and the names of the source layers it keeps.
 */
export function retargetTopology(topology: unknown, cut: string, head: HeadSpec): { topology: Record<string, unknown>; kept: Set<string> } {
  const model = modelConfigOf(topology);
  if (!model) throw new PareError('unsupported', 'The model has no Keras layers topology to cut.');
  const layers = layersOf(model);
  const headLayers = headLayersJson(head);
  let config: Record<string, unknown>;
  let kept: LayerJson[];
  if (model.class_name === 'Sequential') {
    const at = layers.findIndex((l) => layerName(l) === cut);
    if (at < 0) throw new PareError('bad-recipe', `The cut layer '${cut}' is not in the model's layer list.`);
    kept = layers.slice(0, at + 1);
    config = { ...model.config, layers: [...kept, ...headLayers] };
  } else {
    kept = ancestorsOf(layers, cut);
    const keptNames = new Set(kept.map(layerName));
    let previous = cut;
    const linked = headLayers.map((l) => {
      const node = { ...l, name: layerName(l), inbound_nodes: [[[previous, 0, 0, {}]]] };
      previous = layerName(l);
      return node;
    });
    const inputs = Array.isArray(model.config.input_layers) ? (model.config.input_layers as unknown[][]) : [];
    config = {
      ...model.config,
      layers: [...kept, ...linked],
      input_layers: inputs.filter((i) => keptNames.has(String(i[0]))),
      output_layers: [[previous, 0, 0]],
    };
  }
  const rebuilt = { class_name: model.class_name, config };
  const source = topology as Record<string, unknown>;
  const { training_config: _oldHeadLoss, ...envelope } = source;
  const out = 'model_config' in source ? { ...envelope, model_config: rebuilt } : { ...envelope, ...rebuilt };
  return { topology: out, kept: new Set(kept.map(layerName)) };
}
