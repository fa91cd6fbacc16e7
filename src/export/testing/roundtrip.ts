/**
 * Test-only: load an export with stock TF.js (tf.io.fromMemory over the files, as the http loader would read them)
 * and compare it with the in-memory variant (its decoded values loaded directly) and with the original model.
 */
import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';
import { loadTfModel } from '../../model/load-tf';
import type { OpenedModel } from '../../model/types';
import { variantArtifacts } from '../../recipe/artifacts';
import type { Variant } from '../../recipe/variant';
import { exportArtifacts } from '../load-export';
import type { ExportFile } from '../types';

export type TfModel = tf.LayersModel | tf.GraphModel;

/** Stock tf.loadLayersModel / tf.loadGraphModel of exported files through tf.io.fromMemory. */
export function loadExport(files: readonly ExportFile[], format: OpenedModel['format']): Promise<TfModel> {
  return loadTfModel(exportArtifacts(files), format);
}

/** Seeded random inputs for each model input; `shapes` overrides (or fills in unknown dims, which default to 1). */
export function randomInputs(model: OpenedModel, seed: number, shapes?: number[][]): tf.Tensor[] {
  return model.inputs.map((input, i) => {
    const shape = shapes?.[i] ?? input.shape.map((d) => d ?? 1);
    return input.dtype === 'int32'
      ? tf.randomUniformInt(shape, 0, 256, seed + i)
      : tf.randomUniform(shape, 0, 1, 'float32', seed + i);
  });
}

/** Runs a model on inputs and returns every output's values (graph models through executeAsync). */
export async function run(model: TfModel, inputs: tf.Tensor[]): Promise<Float32Array[]> {
  const feed = inputs.length === 1 ? inputs[0]! : inputs;
  const y = model instanceof tf.GraphModel ? await executeGraph(model, feed) : model.predict(feed);
  const ys = Array.isArray(y) ? y : [y as tf.Tensor];
  const out = await Promise.all(ys.map(async (t) => new Float32Array(await t.data())));
  ys.forEach((t) => t.dispose());
  return out;
}

/** execute() when the graph allows it; executeAsync() for graphs with control flow or dynamic shapes (it throws then). */
async function executeGraph(model: tf.GraphModel, feed: tf.Tensor | tf.Tensor[]): Promise<tf.Tensor | tf.Tensor[]> {
  try {
    return model.execute(feed);
  } catch {
    return model.executeAsync(feed);
  }
}

/** Weight values the loaded model holds, by manifest name (graph: the node's tensor; layers: originalName). */
export function heldWeights(model: TfModel): Map<string, tf.TypedArray> {
  const out = new Map<string, tf.TypedArray>();
  if (model instanceof tf.GraphModel) {
    for (const [name, tensors] of Object.entries(model.weights)) out.set(name, tensors[0]!.dataSync() as tf.TypedArray);
  } else {
    for (const w of model.weights) out.set(w.originalName, w.read().dataSync() as tf.TypedArray);
  }
  return out;
}

/** Bitwise equality of two typed arrays of the same element size. */
export function sameBits(a: ArrayBufferView, b: ArrayBufferView): boolean {
  if (a.byteLength !== b.byteLength) return false;
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/** Cosine similarity of two outputs taken as flat vectors. */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na === 0 && nb === 0 ? 1 : dot / Math.sqrt(na * nb);
}

/**
 * The round trip every export must pass: stock TF.js loads the exported files; every weight it holds is
 * bit-identical to the variant's decoded values; and on `inputs` it gives the same outputs as the in-memory
 * variant (the variant's values loaded directly, no quantization involved). Returns the exported model's outputs.
 */
export async function expectStockRoundTrip(
  model: OpenedModel,
  variant: Variant,
  files: readonly ExportFile[],
  inputs: tf.Tensor[],
): Promise<Float32Array[]> {
  const exported = await loadExport(files, variant.format);
  const memory = await loadTfModel(variantArtifacts(model, variant), variant.format);
  try {
    const held = heldWeights(exported);
    for (const w of variant.weights) {
      const h = held.get(w.name);
      // Graph models drop weights no node uses; every weight they do hold must match.
      if (variant.format === 'layers-model') expect(h, `stock model holds ${w.name}`).toBeDefined();
      if (h) expect(sameBits(h, w.values), `weight ${w.name} as stock TF.js decodes it`).toBe(true);
    }
    const a = await run(exported, inputs);
    const b = await run(memory, inputs);
    expect(a.length).toBe(b.length);
    a.forEach((out, i) => expect(sameBits(out, b[i]!), `output ${i} of the export equals the in-memory variant's`).toBe(true));
    return a;
  } finally {
    exported.dispose();
    memory.dispose();
  }
}
