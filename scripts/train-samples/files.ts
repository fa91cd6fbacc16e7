/**
 * Writing a layers model as stock TF.js files (model.json + one shard) with our own file I/O, reading it back
 * from disk through tf.io.fromMemory, and the plain predict loop that measures accuracy.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { IdxImageSet } from '../../src/data/idx';
import { makeBatch } from './data';

export const SHARD_NAME = 'group1-shard1of1.bin';
const MAX_SHARD_BYTES = 4 * 1024 * 1024;

export interface SavedModel {
  modelJsonBytes: number;
  weightBytes: number;
  shardSha256: string;
}

/** Saves `model` to dir/model.json + dir/group1-shard1of1.bin in the layout `tfjs.converters.save_keras_model` uses. */
export async function saveLayersModel(model: tf.LayersModel, dir: string): Promise<SavedModel> {
  let saved: SavedModel | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weights = tf.io.CompositeArrayBuffer.join(artifacts.weightData);
      if (weights.byteLength > MAX_SHARD_BYTES) {
        throw new Error(`${weights.byteLength} weight bytes do not fit one 4 MB shard; split them.`);
      }
      const json: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology as object,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: [SHARD_NAME], weights: artifacts.weightSpecs ?? [] }],
        userDefinedMetadata: artifacts.userDefinedMetadata,
      };
      const text = JSON.stringify(json);
      const shard = new Uint8Array(weights);
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, 'model.json'), text);
      writeFileSync(path.join(dir, SHARD_NAME), shard);
      saved = {
        modelJsonBytes: Buffer.byteLength(text),
        weightBytes: shard.byteLength,
        shardSha256: createHash('sha256').update(shard).digest('hex'),
      };
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: shard.byteLength } };
    }),
  );
  if (!saved) throw new Error('the save handler was not called');
  return saved;
}

/** Loads dir/model.json and the shards its manifest names, from disk, with the stock loader. */
export async function loadLayersModelFromDir(dir: string): Promise<tf.LayersModel> {
  const json = JSON.parse(readFileSync(path.join(dir, 'model.json'), 'utf8')) as tf.io.ModelJSON;
  const artifacts = await tf.io.getModelArtifactsForJSON(json, async (manifest) => {
    const specs = manifest.flatMap((g) => g.weights);
    const shards = manifest.flatMap((g) => g.paths).map((p) => {
      const b = readFileSync(path.join(dir, p));
      return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
    });
    return [specs, tf.io.CompositeArrayBuffer.join(shards)];
  });
  return tf.loadLayersModel(tf.io.fromMemory(artifacts));
}

/** Number of the first `count` images of `set` whose argmax prediction equals the label (batches of 500). */
export function countCorrect(model: tf.LayersModel, set: IdxImageSet, count = set.count): number {
  let correct = 0;
  for (let start = 0; start < count; start += 500) {
    const idx = Array.from({ length: Math.min(500, count - start) }, (_, k) => start + k);
    const { xs } = makeBatch(set, idx);
    const predicted = tf.tidy(() => {
      const x = tf.tensor4d(xs, [idx.length, 28, 28, 1]);
      return (model.predict(x) as tf.Tensor).argMax(-1).dataSync();
    });
    idx.forEach((i, k) => {
      if (predicted[k] === set.labels[i]) correct++;
    });
  }
  return correct;
}
