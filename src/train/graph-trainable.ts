/**
 * A graph model made trainable. TF.js runs a graph model's ops on the tensors of its weight map, and those ops
 * record gradients like any other, so putting tf.Variables in the map in place of the weights it trains makes
 * their gradients computable: the loop then trains it as it trains a layers model. Only kernels and biases train
 * (the prunable weights, and the 1-D bias inputs of BiasAdd and the fused ops); other float constants (scales,
 * epsilons, clip bounds) stay as they are.
 *
 * A graph whose output is a Softmax trains on the node before it (the logits), as layers models train with their
 * final softmax made linear. Two things stop a graph from training, and both are found before the first epoch by
 * one probe step, with the op named: a dynamic op (executeAsync only: non-max suppression, Where) and an op with no
 * gradient in TF.js.
 */
import * as tf from '@tensorflow/tfjs';
import { PareError } from '../errors';
import type { WeightEntry } from '../model/types';
import type { OutputKind } from './losses';
import type { TrainableModel, TrainableWeight } from './types';

type WeightMap = Record<string, tf.Tensor[]>;
interface GraphInternals {
  executor: { weightMap: WeightMap };
}
interface GraphNode {
  name: string;
  op: string;
  input?: string[];
}

const BIAS_OWNERS = /^(BiasAdd|_FusedConv2D|_FusedMatMul|FusedDepthwiseConv2dNative)$/;

/** The weights a graph model's fine-tuning trains: kernels, and the biases of BiasAdd and the fused ops. */
export function graphTrainableWeights(weights: readonly WeightEntry[]): Set<string> {
  return new Set(weights.filter((w) => w.dtype === 'float32' && (w.prunable || (w.shape.length === 1 && BIAS_OWNERS.test(w.ownerType)))).map((w) => w.name));
}

function weightOf(name: string, variable: tf.Variable): TrainableWeight {
  return {
    originalName: name,
    dtype: variable.dtype,
    read: () => variable,
    write: (value) => variable.assign(value),
  };
}

/** The node to train on: the Softmax's input when the output is a Softmax (logits), else the output itself. */
function trainingOutput(topology: unknown, output: string): { node: string; output: OutputKind } {
  const nodes = ((topology as { node?: GraphNode[] } | undefined)?.node ?? []) as GraphNode[];
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const inputOf = (n: GraphNode | undefined) => n?.input?.find((i) => !i.startsWith('^'))?.split(':')[0];
  const name = output.split(':')[0]!;
  let out = byName.get(name);
  // The converter ends many graphs with an Identity of the real output.
  while (out?.op === 'Identity' && inputOf(out)) out = byName.get(inputOf(out)!);
  const logits = inputOf(out);
  if (out?.op === 'Softmax' && logits) return { node: logits, output: 'logits' };
  return { node: name, output: 'values' };
}

/** What TF.js said when the probe step failed, as a sentence that names the op. */
function probeFailure(e: unknown, where: string): PareError {
  const text = e instanceof Error ? e.message : String(e);
  const noGradient = /gradient function not found for (\w+)/.exec(text);
  if (noGradient) {
    return new PareError('unsupported', `${where}: this graph model uses the op '${noGradient[1]}', which has no gradient in TF.js, so its weights cannot be fine-tuned. Prune and quantize it without fine-tuning.`);
  }
  const dynamic = /node '([^']+)', which has the dynamic op '(\w+)'/.exec(text);
  if (dynamic) {
    return new PareError('unsupported', `${where}: this graph model has the dynamic op '${dynamic[2]}' (node '${dynamic[1]}'), which runs only asynchronously and cannot be trained through. Prune and quantize it without fine-tuning.`);
  }
  return new PareError('unsupported', `${where}: TF.js could not compute this graph model's gradients (${text}). Prune and quantize it without fine-tuning.`);
}

const countOf = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

export interface TrainableGraph {
  model: TrainableModel;
  /** How its training output reads: logits when a final Softmax was skipped, else values. */
  output: OutputKind;
  dispose(): void;
}

/**
 * Loads the graph model in `artifacts` with the weights named in `trainable` as variables, and checks with one
 * gradient step on zeros that it can train (nothing is applied).
 * @throws PareError('unsupported') naming the op that stops it (no gradient, dynamic op), or for several inputs/outputs
 */
export async function trainableGraph(artifacts: tf.io.ModelArtifacts, trainable: Set<string>, where: string): Promise<TrainableGraph> {
  const graph = await tf.loadGraphModel(tf.io.fromMemory(artifacts));
  const variables: tf.Variable[] = [];
  try {
    if (graph.inputs.length !== 1 || graph.outputs.length !== 1) {
      throw new PareError('unsupported', `${where}: this graph model has ${countOf(graph.inputs.length, 'input')} and ${countOf(graph.outputs.length, 'output')}; fine-tuning trains graph models with one of each.`);
    }
    const executor = (graph as unknown as GraphInternals).executor;
    const map: WeightMap = {};
    const weights: TrainableWeight[] = [];
    for (const [name, tensors] of Object.entries(executor.weightMap)) {
      if (!trainable.has(name) || tensors.length !== 1 || tensors[0]!.dtype !== 'float32') {
        map[name] = tensors;
        continue;
      }
      const v = tf.variable(tensors[0]!, true);
      variables.push(v);
      weights.push(weightOf(name, v));
      map[name] = [v];
      tensors[0]!.dispose();
    }
    // The setter also records which tensors are weights, so execution never disposes them.
    executor.weightMap = map;
    const { node, output } = trainingOutput(artifacts.modelTopology, graph.outputs[0]!.name);
    const input = graph.inputs[0]!;
    const run = (x: tf.Tensor) => graph.execute(x, node) as tf.Tensor;
    const probe = input.shape!.map((d, i) => (i === 0 || d === -1 || d === null ? 1 : d));
    let outShape: number[];
    try {
      outShape = tf.tidy(() => {
        const x = tf.zeros(probe, input.dtype as tf.DataType);
        tf.variableGrads(() => tf.sum(run(x)) as tf.Scalar, variables);
        return run(x).shape;
      });
    } catch (e) {
      throw probeFailure(e, where);
    }
    const model: TrainableModel = {
      outputs: [{ shape: [null, ...outShape.slice(1)] }],
      apply: (x) => run(x),
      weights,
      trainableWeights: weights,
      layers: [],
    };
    return {
      model,
      output,
      dispose: () => {
        graph.dispose();
        for (const v of variables) v.dispose();
      },
    };
  } catch (e) {
    graph.dispose();
    for (const v of variables) v.dispose();
    throw e;
  }
}
