/**
 * Cutting a graph model: any op node whose output has a fixed size per sample can feed a new head. Graph models
 * have no layer list, so the cut is a node name; shapes are found by running the graph once on one blank sample.
 * The default cut is the input of the classifier: walking back from the output through ops without weights
 * (softmax, pooling, reshapes), the first op that has a weight is the classifier, and what it reads is the cut.
 */
import * as tf from '@tensorflow/tfjs';
import { PareError } from '../../errors';
import { indexGraph, nodeNameOf, type GraphNode } from '../../model/graph-topology';
import { cutPointsText, type CutPoint } from './cut';

const NOT_CUTS = new Set(['Const', 'NoOp', 'Placeholder', 'PlaceholderWithDefault']);

/** Node names an op reads as data (control inputs left out). */
export function dataInputs(node: GraphNode): string[] {
  return (node.input ?? []).filter((i) => !i.startsWith('^')).map(nodeNameOf);
}

/** The op nodes with their output shapes (batch first, as null), in node order; nodes of no fixed size are left out. */
export function graphCutPoints(model: tf.GraphModel, topology: unknown, sampleShape: number[]): CutPoint[] {
  const { nodes } = indexGraph(topology);
  const names = [...nodes.values()].filter((n) => !NOT_CUTS.has(n.op) && !n.op.startsWith('Placeholder')).map((n) => n.name);
  // An int32-input graph (MoveNet) refuses float32 inputs.
  const x = tf.zeros([1, ...sampleShape], (model.inputs[0]?.dtype ?? 'float32') as tf.DataType);
  try {
    const outs = model.execute(x, names) as tf.Tensor[];
    const points: CutPoint[] = [];
    names.forEach((name, index) => {
      const t = outs[index]!;
      if (t.rank >= 2 && t.shape[0] === 1 && t.dtype === 'float32' && t.size > 0) {
        points.push({ name, className: nodes.get(name)!.op, shape: [null, ...t.shape.slice(1)], index, weightsBelow: 1 });
      }
      t.dispose();
    });
    return points;
  } finally {
    x.dispose();
  }
}

/** The classifier's input, from the model's (single) output. */
export function defaultGraphCut(topology: unknown, outputName: string): string | undefined {
  const { nodes } = indexGraph(topology);
  let node = nodes.get(nodeNameOf(outputName));
  for (let guard = 0; node && guard < nodes.size; guard++) {
    const inputs = dataInputs(node);
    const hasWeight = inputs.slice(1).some((i) => nodes.get(i)?.op === 'Const' && ['DT_FLOAT', undefined].includes((nodes.get(i)!.attr?.dtype as { type?: string } | undefined)?.type));
    if (hasWeight && !['Reshape', 'Mean', 'Max', 'Squeeze', 'Transpose'].includes(node.op)) return inputs[0];
    node = inputs[0] ? nodes.get(inputs[0]) : undefined;
  }
  return undefined;
}

/** The cut the step names, or the default; an unknown or uncuttable name lists the nodes that can be cut at. */
export function chooseGraphCut(points: CutPoint[], requested: string | undefined, fallback: string | undefined, where: string): CutPoint {
  const name = requested ?? fallback;
  const found = points.find((p) => p.name === name);
  if (found) return found;
  const choices = `cut at one of: ${cutPointsText(points, 'node')}`;
  if (requested === undefined) throw new PareError('unsupported', `${where}: this graph model has no classifier Pare can find to cut below; name the node to cut at in "cut" (${choices}).`);
  throw new PareError('bad-recipe', `${where}.cut is '${requested}', not an op node of this graph with an output of fixed size; ${choices}.`);
}
