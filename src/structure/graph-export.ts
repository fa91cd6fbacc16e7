/**
 * A layers model as a TF.js graph model: the same computation as GraphDef nodes the stock graph executor runs,
 * with bias and activation fused into the convolutions and matrix products (_FusedConv2D,
 * FusedDepthwiseConv2dNative, _FusedMatMul with fused_ops ["BiasAdd", "Relu" | "Relu6" | "Elu" | "Sigmoid"]),
 * which is what makes it faster than the layers model on TF.js's backends: one kernel per layer instead of three.
 * Fold batch norms first (fold-batchnorm.ts); those that remain become FusedBatchNormV3 nodes.
 *
 * Every weight becomes a Const node of the same name; shape constants (Reshape, Pad, Mean, ConcatV2) are new
 * int32 weights. The signature keeps the layers model's input and output names, so `GraphModel.inputs` and
 * `outputs` are named as before. A layer Pare cannot convert is refused with its name and class.
 */
import { PareError } from '../errors';
import type { GraphNode } from '../model/graph-topology';
import { layerOutputShape, type Shape } from '../model/layer-shapes';
import type { WorkingModel, WorkingWeight } from '../recipe/working-model';
import { constNode, dtype, node, placeholderNode, tensorShape } from './graph-nodes';
import { CONVERTERS, fusableActivation, KERNEL_LAYERS, type Converter } from './graph-export-layers';
import { consumerCounts, layerGraphOf, type LayerCall } from './layer-graph';

/** The version fields stock TF.js reads from a graph topology (GraphModel.version). */
const VERSIONS = { producer: 1395, minConsumer: 12 };

export interface GraphSignature {
  inputs: Record<string, { name: string; dtype: string; tensorShape: ReturnType<typeof tensorShape> }>;
  outputs: Record<string, { name: string; dtype: string; tensorShape: ReturnType<typeof tensorShape> }>;
}

/** What the converters build with. */
export interface GraphBuilder {
  /** Adds a node and returns its output tensor's name. */
  add(n: GraphNode): string;
  /** The Const node of `layer`'s weight `kind` ('kernel', 'bias', ...), or null when the layer has none. */
  weight(layer: LayerCall, kind: string): string | null;
  /** The Const node of a new weight (shape constants; unit scales of a BN without gamma). */
  constant(name: string, owner: LayerCall, values: Int32Array | Float32Array, shape: number[]): string;
  /** Shape of a layer's input as far as the topology says. */
  inputShape(layer: LayerCall, index?: number): Shape | undefined;
  /** The activation fused into this layer's node from the activation layer after it, if any. */
  absorbed(layer: LayerCall): string | null;
}

/**
 * Converts the (layers) working model into a graph-model working model. Weights shared with the input keep their
 * arrays; kernels and biases keep their names.
 * @throws PareError('unsupported') naming the layer and its class when a layer has no conversion
 * @example
 *   const graph = layersToGraph(foldBatchNorms(workingModelOf(opened)).model);
 *   await tf.loadGraphModel(tf.io.fromMemory({ ...workingArtifacts(graph) }));
 */
export function layersToGraph(model: WorkingModel): WorkingModel & { signature: GraphSignature } {
  if (model.format !== 'layers-model') {
    throw new PareError('unsupported', `Graph export converts layers models; this one is already a ${model.format}.`);
  }
  const graph = layerGraphOf(model.modelTopology);
  const byName = new Map(graph.layers.map((l) => [l.name, l]));
  const consumers = consumerCounts(graph);

  // An activation layer that alone consumes a biased kernel layer's linear output runs inside that layer's node.
  const absorbedBy = new Map<string, string>(); // kernel layer -> activation op
  const aliasOf = new Map<string, string>(); // activation layer -> kernel layer
  for (const layer of graph.layers) {
    const op = fusableActivation(layer);
    const producer = layer.inputs.length === 1 ? byName.get(layer.inputs[0]!) : undefined;
    if (!op || !producer || !KERNEL_LAYERS.has(producer.className)) continue;
    if ((producer.config.activation ?? 'linear') !== 'linear' || producer.config.use_bias === false) continue;
    if (consumers.get(producer.name) !== 1) continue;
    absorbedBy.set(producer.name, op);
    aliasOf.set(layer.name, producer.name);
  }

  const nodes: GraphNode[] = [];
  const consts: GraphNode[] = [];
  const outWeights: WorkingWeight[] = [];
  const used = new Set<string>();
  const names = new Set<string>();
  const tensorOf = new Map<string, string>();
  const shapes = new Map<string, Shape | undefined>();
  const claim = (name: string) => {
    if (names.has(name)) throw new PareError('unsupported', `Two nodes of the graph would both be named '${name}'; rename the layer or weight in the model.`);
    names.add(name);
  };
  const builder: GraphBuilder = {
    add(n) {
      claim(n.name);
      nodes.push(n);
      return n.name;
    },
    weight(layer, kind) {
      const w = model.weights.find((x) => x.owner === layer.name && x.name.slice(x.name.lastIndexOf('/') + 1) === kind);
      if (!w) return null;
      if (!used.has(w.name)) {
        used.add(w.name);
        claim(w.name);
        consts.push(constNode(w.name, w.dtype, w.shape));
        outWeights.push(w);
      }
      return w.name;
    },
    constant(name, owner, values, shape) {
      claim(name);
      const d = values instanceof Int32Array ? 'int32' : 'float32';
      consts.push(constNode(name, d, shape));
      outWeights.push({
        name, shape, dtype: d, values, storedBytes: 0, owner: owner.name, ownerType: owner.className,
        prunable: false, masked: false, prune: { mode: 'none' },
      });
      return name;
    },
    inputShape: (layer, index = 0) => shapes.get(layer.inputs[index] ?? ''),
    absorbed: (layer) => absorbedBy.get(layer.name) ?? null,
  };

  const signature: GraphSignature = { inputs: {}, outputs: {} };
  for (const layer of graph.layers) {
    let tensor: string;
    if (layer.className === 'InputLayer') {
      const shape = batchShape(layer);
      const d = layer.config.dtype === 'int32' ? 'int32' : 'float32';
      tensor = builder.add(placeholderNode(layer.name, d, shape));
      signature.inputs[layer.name] = { name: `${layer.name}:0`, dtype: dtype(d).type as string, tensorShape: tensorShape(shape) };
      shapes.set(layer.name, shape);
    } else {
      const inputs = layer.inputs.map((n) => tensorOf.get(n)!);
      const alias = aliasOf.get(layer.name);
      const convert: Converter | undefined = CONVERTERS[layer.className];
      if (alias !== undefined) tensor = tensorOf.get(alias)!;
      else if (!convert) throw refusal(layer);
      else tensor = convert(builder, layer, inputs);
      shapes.set(layer.name, layerOutputShape(layer.className, layer.config, layer.inputs.map((n) => shapes.get(n)).filter((s): s is Shape => !!s)));
    }
    tensorOf.set(layer.name, tensor);
  }
  for (const out of graph.outputs) {
    let tensor = tensorOf.get(out)!;
    // Outputs are named as the layers model names them, even when their layer ran inside another node.
    if (tensor !== out) tensor = builder.add(node(out, 'Identity', [tensor], { T: dtype('float32') }));
    signature.outputs[out] = { name: `${tensor}:0`, dtype: 'DT_FLOAT', tensorShape: tensorShape(shapes.get(out) ?? []) };
  }
  const unused = model.weights.filter((w) => !used.has(w.name));
  if (unused.length) {
    throw new PareError('unsupported', `The graph export would drop weight '${unused[0]!.name}' of layer '${unused[0]!.owner}' (${unused[0]!.ownerType}); Pare does not know what that layer does with it.`, { weight: unused[0]!.name });
  }
  return {
    ...model,
    format: 'graph-model',
    modelTopology: { node: [...consts, ...nodes], library: {}, versions: VERSIONS } as unknown as WorkingModel['modelTopology'],
    weights: outWeights,
    signature,
  };
}

function batchShape(layer: LayerCall): Shape {
  const shape = layer.config.batch_input_shape ?? layer.config.batch_shape;
  if (!Array.isArray(shape)) throw new PareError('unsupported', `Input '${layer.name}' has no batch_input_shape; Pare needs the input's shape to write a graph model.`);
  return shape.map((d) => (typeof d === 'number' && d >= 0 ? d : null));
}

function refusal(layer: LayerCall): PareError {
  return new PareError(
    'unsupported',
    `Layer '${layer.name}' is a ${layer.className}, which Pare cannot convert to a graph model yet; keep the layers model (fuse with "format": "layers-model" folds batch norms only).`,
  );
}
