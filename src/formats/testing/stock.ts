/**
 * Test-only: loads dropped files with stock TF.js the way a web page does — tf.io.http over a fetch that serves
 * the files — so that what Pare decodes can be compared with what the stock loader decodes, independently of
 * Pare's own shard handling.
 */
import * as tf from '@tensorflow/tfjs';
import type { InputFile } from '../../model/types';

const ORIGIN = 'http://pare.test/';

function fetchFrom(files: readonly InputFile[]) {
  const byName = new Map(files.map((f) => [f.name, f.data]));
  return async (input: RequestInfo | URL): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const data = byName.get(decodeURIComponent(url.slice(ORIGIN.length)));
    return data ? new Response(data.slice()) : new Response(null, { status: 404 });
  };
}

/** Stock tf.loadLayersModel on the dropped files. */
export function stockLayers(files: readonly InputFile[], modelJsonName: string): Promise<tf.LayersModel> {
  return tf.loadLayersModel(tf.io.http(ORIGIN + modelJsonName, { fetchFunc: fetchFrom(files) }));
}

/** Stock tf.loadGraphModel on the dropped files. */
export function stockGraph(files: readonly InputFile[], modelJsonName: string): Promise<tf.GraphModel> {
  return tf.loadGraphModel(tf.io.http(ORIGIN + modelJsonName, { fetchFunc: fetchFrom(files) }));
}

/** Weight values as the stock loader holds them, by manifest name. */
export function stockWeights(model: tf.LayersModel | tf.GraphModel): Map<string, Float32Array | Int32Array | Uint8Array> {
  const out = new Map<string, Float32Array | Int32Array | Uint8Array>();
  if (model instanceof tf.GraphModel) {
    for (const [name, tensors] of Object.entries(model.weights)) {
      out.set(name, tensors[0].dataSync() as Float32Array | Int32Array | Uint8Array);
    }
  } else {
    for (const w of model.weights) out.set(w.originalName, w.read().dataSync() as Float32Array | Int32Array | Uint8Array);
  }
  return out;
}
