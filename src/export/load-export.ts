/**
 * Reads an export back the way the stock TF.js http loader does (model.json's manifest, its shards concatenated
 * per group, then tf.io.getModelArtifactsForJSONSync), so it can be loaded with tf.io.fromMemory: no Pare reader
 * in between. Used to verify exports and to measure them as users will load them.
 */
import * as tf from '@tensorflow/tfjs';
import { PareError, bytesText } from '../errors';
import type { ExportFile } from './types';

/**
 * Stock ModelArtifacts for exported files (model.json at `modelJsonName`, shards beside it).
 * @example const model = await tf.loadGraphModel(tf.io.fromMemory(exportArtifacts(result.files)));
 */
export function exportArtifacts(files: readonly ExportFile[], modelJsonName = 'model.json'): tf.io.ModelArtifacts {
  const byName = new Map(files.map((f) => [f.name, f.data]));
  const jsonBytes = byName.get(modelJsonName);
  if (!jsonBytes) {
    throw new PareError('not-a-model', `The export has no '${modelJsonName}'.`, { file: modelJsonName });
  }
  const json = JSON.parse(new TextDecoder().decode(jsonBytes)) as tf.io.ModelJSON;
  const specs: tf.io.WeightsManifestEntry[] = [];
  const buffers: ArrayBuffer[] = [];
  for (const group of json.weightsManifest ?? []) {
    specs.push(...group.weights);
    for (const path of group.paths) {
      const data = byName.get(path);
      if (!data) throw new PareError('missing-shard', `The export's manifest names '${path}', which is not among its files.`, { file: path });
      buffers.push(data.slice().buffer);
    }
  }
  const total = buffers.reduce((n, b) => n + b.byteLength, 0);
  const needed = specs.reduce((n, s) => n + specBytes(s), 0);
  if (total !== needed) {
    throw new PareError('shard-length', `The export's shards hold ${bytesText(total)}; its manifest needs ${needed.toLocaleString('en-US')}.`);
  }
  return tf.io.getModelArtifactsForJSONSync(json, specs, buffers);
}

function specBytes(s: tf.io.WeightsManifestEntry): number {
  const n = s.shape.reduce((a, b) => a * b, 1);
  const q = s.quantization?.dtype;
  const per = q === 'uint8' || s.dtype === 'bool' ? 1 : q === 'uint16' || q === 'float16' ? 2 : 4;
  return n * per;
}
