/**
 * Running a loaded model the same way everywhere (evaluation, fidelity, latency): one input tensor in, the
 * first output's values out, every intermediate tensor disposed. Layers and graph models differ in how they
 * describe their inputs and in how they run (graph models with control flow need executeAsync).
 */
import * as tf from '@tensorflow/tfjs';
import { PareError } from '../errors';
import { normaliseShape } from './preprocessing';

export type AnyModel = tf.LayersModel | tf.GraphModel;

export interface ModelSignature {
  /** The single input's shape, batch dimension first; null for free dimensions (graph models' -1 too). */
  inputShape: (number | null)[];
  inputDtype: 'float32' | 'int32';
  /** The first output's shape when the model states it (graph models often do not). */
  outputShape: (number | null)[] | null;
  /** Number of outputs; only the first is measured. */
  outputCount: number;
}

function isGraphModel(model: AnyModel): model is tf.GraphModel {
  return typeof (model as tf.GraphModel).executeAsync === 'function';
}

/**
 * Describes a model's input and output.
 *
 * @throws PareError('unsupported') for models with several inputs or a non-numeric input
 */
export function modelSignature(model: AnyModel): ModelSignature {
  let inputs: { shape?: (number | null)[]; dtype: string }[];
  let outputs: { shape?: (number | null)[] }[];
  if (isGraphModel(model)) {
    inputs = model.inputs.map((t) => ({ shape: t.shape, dtype: t.dtype }));
    outputs = model.outputs.map((t) => ({ shape: t.shape }));
  } else {
    inputs = model.inputs.map((t) => ({ shape: t.shape, dtype: t.dtype }));
    outputs = model.outputs.map((t) => ({ shape: t.shape }));
  }
  if (inputs.length !== 1) {
    throw new PareError('unsupported', `The model has ${inputs.length} inputs; Pare measures models with one input.`);
  }
  const input = inputs[0];
  if (input.dtype !== 'float32' && input.dtype !== 'int32') {
    throw new PareError('unsupported', `The model's input has dtype '${input.dtype}'; Pare measures float32 and int32 inputs.`);
  }
  if (!input.shape) {
    throw new PareError('unsupported', "The model does not state its input's shape, so Pare cannot build inputs for it.");
  }
  const out = outputs[0]?.shape;
  return {
    inputShape: normaliseShape(input.shape),
    inputDtype: input.dtype,
    outputShape: out ? normaliseShape(out) : null,
    outputCount: outputs.length,
  };
}

/** Graph models found to need executeAsync (control flow, dynamic shapes). */
const needsAsync = new WeakSet<tf.GraphModel>();

/** A model's outputs as a list, however TF.js returned them; at least one. */
function outputsOf(result: tf.Tensor | tf.Tensor[] | tf.NamedTensorMap): tf.Tensor[] {
  const all = result instanceof tf.Tensor ? [result] : Array.isArray(result) ? result : Object.values(result);
  if (all.length === 0) throw new PareError('unsupported', 'The model returned no output.');
  return all;
}

/**
 * Runs a graph model on one batch: its outputs, or the named nodes, by execute (predict), or by executeAsync once
 * the graph is found to need it (control flow or dynamic shapes; handtrack resizes its input in a while loop).
 */
export async function executeGraph(model: tf.GraphModel, x: tf.Tensor, names?: string[]): Promise<tf.Tensor[]> {
  if (!needsAsync.has(model)) {
    try {
      return outputsOf(names ? model.execute(x, names) : model.predict(x));
    } catch (e) {
      // TF.js says "... use model.executeAsync() instead" for dynamic ops; anything else is a real error.
      if (!/executeAsync|dynamic/i.test(String((e as Error)?.message))) throw e;
      needsAsync.add(model);
    }
  }
  return outputsOf(await model.executeAsync(x, names));
}

/**
 * Runs the model on one batch and returns the first output as a tensor. The caller owns `output` and must
 * dispose `all` (this function already disposed everything else).
 */
export async function runModel(model: AnyModel, x: tf.Tensor): Promise<{ output: tf.Tensor; all: tf.Tensor[] }> {
  const all = isGraphModel(model) ? await executeGraph(model, x) : outputsOf(model.predict(x) as tf.Tensor | tf.Tensor[]);
  return { output: all[0]!, all };
}

/** One output's values, row-major, and its width per sample (elements / batch). */
async function valuesOf(t: tf.Tensor, batch: number): Promise<{ values: Float32Array; width: number }> {
  const data = await t.data();
  const values = data instanceof Float32Array ? data : Float32Array.from(data as ArrayLike<number>);
  return { values, width: batch > 0 ? values.length / batch : 0 };
}

/**
 * Runs the model on one batch and reads the first output's values (awaiting the backend, so timings that
 * include it are real). Disposes every tensor it made; `x` stays the caller's.
 *
 * @returns values row-major, and the width per sample (elements / batch)
 */
export async function predictValues(model: AnyModel, x: tf.Tensor): Promise<{ values: Float32Array; width: number }> {
  const { output, all } = await runModel(model, x);
  try {
    return await valuesOf(output, x.shape[0] ?? 1);
  } finally {
    tf.dispose(all);
  }
}

/**
 * Runs the model on one batch and reads every output's values, in the model's output order (for fidelity over
 * all of a detector's heads, say). Disposes every tensor it made; `x` stays the caller's.
 */
export async function predictEachOutput(model: AnyModel, x: tf.Tensor): Promise<{ values: Float32Array; width: number }[]> {
  const { all } = await runModel(model, x);
  try {
    return await Promise.all(all.map((t) => valuesOf(t, x.shape[0] ?? 1)));
  } finally {
    tf.dispose(all);
  }
}
