/**
 * Which of a model's outputs a fidelity target is held on. By default every output (a detector's boxes and scores
 * alike); a caller may name some, for a model whose other outputs are a discontinuous function of them: the human
 * handtrack graph ends in non-max suppression, whose 100 boxes, scores and classes are picked and ordered from its
 * raw heads (12,804 anchors' box encodings and class scores), so the smallest change in a score reorders them. One
 * kernel stored at 6 bits moved those outputs' cosine to 0.965 on photos where the raw heads stayed at 0.99997: a
 * cosine target near 1 on them is met only by changing no weight at all.
 */
import type * as tf from '@tensorflow/tfjs';
import { PareError } from '../errors';
import type { FidelityMetrics } from '../evaluate/metrics';

/** A loaded model's output names: a graph's output nodes ('Identity_6'), a layers model's output layers ('fc3'). */
function outputNames(model: tf.LayersModel | tf.GraphModel): string[] {
  // A Sequential model's outputNames is empty; its output tensors know their layers.
  return 'outputLayers' in model ? model.outputs.map((o) => o.sourceLayer.name) : model.outputs.map((o) => o.name);
}

/**
 * The indices, in the model's output order, of the outputs `names` lists (a graph output's ':0' suffix optional).
 * @example heldOutputIndices(graph, ['Identity_6', 'Identity_7:0']) // [2, 7]
 */
export function heldOutputIndices(model: tf.LayersModel | tf.GraphModel, names: readonly string[]): number[] {
  const known = outputNames(model);
  const bare = (n: string) => n.replace(/:0$/, '');
  return names.map((n) => {
    const i = known.findIndex((k) => bare(k) === bare(n));
    if (i < 0) throw new PareError('bad-options', `The model has no output '${n}'; its outputs are ${known.map((k) => `'${k}'`).join(', ')}.`);
    return i;
  });
}

/**
 * The figures a target is held to over the outputs at `indices`: the worst cosine among them and the first one's
 * agreement. `fidelity` is an evaluation's with every output measured (`outputs` absent: the model has one).
 */
export function heldFidelity(fidelity: FidelityMetrics & { outputs?: FidelityMetrics[] }, indices: readonly number[]): { agreement: number; cosine: number } {
  const outputs = fidelity.outputs ?? [fidelity];
  const held = indices.map((i) => outputs[i]!);
  return { agreement: held[0]!.agreement, cosine: Math.min(...held.map((o) => o.cosine)) };
}
