/**
 * Test-only: writes TF.js artifacts as the files a user would drop (model.json + shards), optionally stored
 * quantized the way tensorflowjs_converter stores weights, so readers can be checked against the stock loader.
 * The encoders are deliberately plain; Pare's real quantizer lives in src/quantize/.
 */
import { concatBytes } from '../../bytes';
import type * as tf from '@tensorflow/tfjs';
import type { InputFile } from '../../model/types';

export type Storage = 'float32' | 'uint8' | 'uint16' | 'float16';

export interface FileOptions {
  /** Folder prefix for every name ('mymodel' gives 'mymodel/model.json'). */
  dir?: string;
  modelJsonName?: string;
  /** Bytes per shard; the converter's default is 4 MiB. */
  shardBytes?: number;
  /** Shard names: the converter's 'group1-shardXofY.bin' by default; `false` drops '.bin' as old files did. */
  binSuffix?: boolean;
  /** How float32 weights are stored. */
  storage?: Storage;
  /** Leave out the `format`, `generatedBy` and `convertedBy` fields, like files from before they existed. */
  omitFormat?: boolean;
  /** Extra top-level fields for model.json (userDefinedMetadata, signature ...). */
  extra?: Record<string, unknown>;
}

const encoder = new TextEncoder();

/** Turns saved artifacts into dropped files. */
export function artifactsToFiles(artifacts: tf.io.ModelArtifacts, options: FileOptions = {}): InputFile[] {
  const storage = options.storage ?? 'float32';
  const specs = artifacts.weightSpecs ?? [];
  const data = new Uint8Array(artifacts.weightData as ArrayBuffer);
  const outSpecs: tf.io.WeightsManifestEntry[] = [];
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const spec of specs) {
    const count = spec.shape.reduce((a, b) => a * b, 1);
    const bytes = data.slice(offset, offset + count * 4);
    offset += count * 4;
    if (spec.dtype !== 'float32' || storage === 'float32') {
      outSpecs.push({ ...spec });
      chunks.push(bytes);
      continue;
    }
    const values = new Float32Array(bytes.buffer);
    if (storage === 'float16') {
      outSpecs.push({ ...spec, quantization: { dtype: 'float16' } });
      chunks.push(new Uint8Array(toFloat16(values).buffer));
    } else {
      const { codes, scale, min } = affine(values, storage === 'uint8' ? 8 : 16);
      outSpecs.push({ ...spec, quantization: { dtype: storage, scale, min } });
      chunks.push(new Uint8Array(codes.buffer));
    }
  }
  const all = concat(chunks);
  const shardBytes = options.shardBytes ?? 4 * 1024 * 1024;
  const count = Math.max(1, Math.ceil(all.length / shardBytes));
  const suffix = options.binSuffix === false ? '' : '.bin';
  const paths = Array.from({ length: count }, (_, i) => `group1-shard${i + 1}of${count}${suffix}`);
  const json: Record<string, unknown> = {
    ...(options.omitFormat
      ? {}
      : { format: artifacts.format, generatedBy: artifacts.generatedBy, convertedBy: artifacts.convertedBy ?? null }),
    modelTopology: artifacts.modelTopology,
    weightsManifest: [{ paths, weights: outSpecs }],
    ...(options.extra ?? {}),
  };
  const prefix = options.dir ? `${options.dir}/` : '';
  return [
    { name: prefix + (options.modelJsonName ?? 'model.json'), data: encoder.encode(JSON.stringify(json)) },
    ...paths.map((path, i) => ({ name: prefix + path, data: all.slice(i * shardBytes, (i + 1) * shardBytes) })),
  ];
}

export function jsonFile(name: string, value: unknown): InputFile {
  return { name, data: encoder.encode(JSON.stringify(value)) };
}

/** Test helpers build model files from byte pieces. */
export const concat = concatBytes;

function affine(values: Float32Array, bits: 8 | 16): { codes: Uint8Array | Uint16Array; scale: number; min: number } {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const levels = 2 ** bits - 1;
  const scale = max > min ? (max - min) / levels : 1;
  const codes = bits === 8 ? new Uint8Array(values.length) : new Uint16Array(values.length);
  values.forEach((v, i) => (codes[i] = Math.round((v - min) / scale)));
  return { codes, scale, min };
}

/** float32 -> IEEE half, round to nearest even (overflow to infinity, NaN kept). */
function toFloat16(values: Float32Array): Uint16Array {
  const out = new Uint16Array(values.length);
  const f = new Float32Array(1);
  const u = new Uint32Array(f.buffer);
  for (let i = 0; i < values.length; i++) {
    f[0] = values[i];
    const x = u[0];
    const sign = (x >>> 16) & 0x8000;
    const exp = (x >>> 23) & 0xff;
    let mant = x & 0x7fffff;
    if (exp === 0xff) {
      out[i] = sign | 0x7c00 | (mant ? 0x200 : 0);
      continue;
    }
    const e = exp - 127 + 15;
    if (e >= 31) {
      out[i] = sign | 0x7c00;
      continue;
    }
    if (e <= 0) {
      if (e < -10) {
        out[i] = sign;
        continue;
      }
      mant |= 0x800000;
      const shift = 14 - e;
      let half = mant >>> shift;
      const rest = mant & ((1 << shift) - 1);
      const mid = 1 << (shift - 1);
      if (rest > mid || (rest === mid && half & 1)) half++;
      out[i] = sign | half;
      continue;
    }
    let half = (e << 10) | (mant >>> 13);
    const rest = mant & 0x1fff;
    if (rest > 0x1000 || (rest === 0x1000 && half & 1)) half++;
    out[i] = sign | half;
  }
  return out;
}
