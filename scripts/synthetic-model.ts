/**
 * Synthetic TF.js layers models for the benchmarks: a chain of square Dense layers with He-style normal weights,
 * written as model.json + 4 MB shards exactly as the converter lays them out, so `pare` opens them like any
 * user's model. Seeded: the same size always gives the same bytes.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { seededRandom } from '../src/seeded-random';
import { SHARD_BYTES, shardName } from '../src/export/shards';
import type { InputFile } from '../src/model/types';

const LAYERS = 6;

export interface SyntheticModel {
  /** Where it was written ('' in memory). */
  dir: string;
  params: number;
  /** Bytes of the float32 weights: the memory one copy of them takes. */
  weightBytes: number;
}

/** He-style normal weights (Box-Muller) into `out`. */
function fillNormal(out: Float32Array, sd: number, rand: () => number): void {
  for (let i = 0; i < out.length; i += 2) {
    const r = sd * Math.sqrt(-2 * Math.log(1 - rand()));
    const t = 2 * Math.PI * rand();
    out[i] = r * Math.cos(t);
    if (i + 1 < out.length) out[i + 1] = r * Math.sin(t);
  }
}

/** The square width whose LAYERS Dense layers (kernel + bias) hold about `params` parameters. */
function widthFor(params: number): number {
  return Math.max(1, Math.round((-1 + Math.sqrt(1 + (4 * params) / LAYERS)) / 2));
}

/**
 * The files of a model of about `params` parameters, model.json last: shards of 4 MB cut across tensor boundaries
 * as the converter does. Generated one tensor at a time; each yielded shard is a view into a reused buffer, valid
 * until the next one is asked for, so a writer holds one shard, not the model.
 */
export function* syntheticModelFiles(params: number, seed = 20240607): Generator<InputFile, SyntheticModel> {
  const width = widthFor(params);
  const rand = seededRandom(seed);
  const layers = Array.from({ length: LAYERS }, (_, i) => ({
    class_name: 'Dense',
    config: {
      name: `dense_${i + 1}`,
      units: width,
      activation: i === LAYERS - 1 ? 'linear' : 'relu',
      use_bias: true,
      trainable: true,
      ...(i === 0 ? { batch_input_shape: [null, width], dtype: 'float32' } : {}),
    },
  }));
  const weights = layers.flatMap((l) => [
    { name: `${l.config.name}/kernel`, shape: [width, width], dtype: 'float32' },
    { name: `${l.config.name}/bias`, shape: [width], dtype: 'float32' },
  ]);
  const total = LAYERS * (width * width + width);
  const weightBytes = total * 4;
  const shardCount = Math.max(1, Math.ceil(weightBytes / SHARD_BYTES));
  const paths = Array.from({ length: shardCount }, (_, i) => shardName(i, shardCount));

  const shard = new Uint8Array(SHARD_BYTES);
  let fill = 0;
  let shardIndex = 0;
  for (const w of weights) {
    const values = new Float32Array(w.shape.reduce((a, b) => a * b, 1));
    fillNormal(values, w.shape.length === 2 ? Math.sqrt(2 / width) : 0.01, rand);
    const bytes = new Uint8Array(values.buffer);
    for (let o = 0; o < bytes.byteLength; ) {
      const n = Math.min(SHARD_BYTES - fill, bytes.byteLength - o);
      shard.set(bytes.subarray(o, o + n), fill);
      fill += n;
      o += n;
      if (fill === SHARD_BYTES) {
        yield { name: paths[shardIndex++]!, data: shard };
        fill = 0;
      }
    }
  }
  if (fill > 0 || shardIndex < shardCount) yield { name: paths[shardIndex++]!, data: shard.subarray(0, fill) };

  const modelJson = {
    format: 'layers-model',
    generatedBy: 'pare scripts/synthetic-model.ts',
    convertedBy: null,
    modelTopology: {
      class_name: 'Sequential',
      config: { name: `synthetic_${total}`, layers },
      keras_version: 'tfjs-layers 4.22.0',
      backend: 'tensor_flow.js',
    },
    weightsManifest: [{ paths, weights }],
  };
  yield { name: 'model.json', data: new TextEncoder().encode(JSON.stringify(modelJson)) };
  return { dir: '', params: total, weightBytes };
}

/**
 * Writes a model of about `params` parameters to `dir` and returns its exact size, holding one shard at a time.
 *
 * @example const m = await writeSyntheticModel('/tmp/m25', 25_000_000); // m.params === 25_006_332
 */
export async function writeSyntheticModel(dir: string, params: number, seed?: number): Promise<SyntheticModel> {
  await mkdir(dir, { recursive: true });
  const files = syntheticModelFiles(params, seed);
  for (let next = files.next(); ; next = files.next()) {
    if (next.done) return { ...next.value, dir };
    await writeFile(join(dir, next.value.name), next.value.data);
  }
}

/** The same model as in-memory files (copies), as `openModel` takes them. */
export function syntheticModelInMemory(params: number, seed?: number): { files: InputFile[]; model: SyntheticModel } {
  const files: InputFile[] = [];
  const gen = syntheticModelFiles(params, seed);
  for (let next = gen.next(); ; next = gen.next()) {
    if (next.done) return { files, model: next.value };
    files.push({ name: next.value.name, data: next.value.data.slice() });
  }
}
