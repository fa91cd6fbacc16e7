/**
 * The topology a model trains with: when its single output is a layer ending in softmax (a Dense, Conv or
 * Activation layer with `activation: "softmax"`), the same topology with that activation made linear, so training
 * sees logits (stable cross-entropy, and temperatures for distillation) while the weights stay the same. The
 * export keeps the original topology.
 */
import { layerName, layersOf, modelConfigOf, type LayerJson } from '../model/layers-topology';
import type { OutputKind } from './losses';

function outputLayer(model: LayerJson): LayerJson | null {
  const layers = layersOf(model);
  if (model.class_name === 'Sequential') return layers[layers.length - 1] ?? null;
  const outputs = model.config.output_layers;
  if (!Array.isArray(outputs) || outputs.length !== 1 || !Array.isArray(outputs[0])) return null;
  const name = outputs[0][0];
  return layers.find((l) => layerName(l) === name) ?? null;
}

/**
 * The topology to train and how its output reads: 'logits' when a final softmax was made linear, else 'values'
 * (the loop reads values as probabilities when it has labels).
 * @example const { topology, output } = trainingTopology(artifacts.modelTopology); // output: 'logits'
 */
export function trainingTopology(topology: unknown): { topology: unknown; output: OutputKind } {
  const copy = structuredClone(topology);
  const model = modelConfigOf(copy);
  const last = model ? outputLayer(model) : null;
  if (!last || last.config.activation !== 'softmax') return { topology, output: 'values' };
  last.config.activation = 'linear';
  return { topology: copy, output: 'logits' };
}
