/**
 * Test helper: the weights of a real published TF.js model under .fixtures/real, read straight from its manifest
 * and its single shard (deliberately independent of src/formats, so the kernels are tested on their own).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface RealWeight {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: 'uint8' | 'uint16' | 'float16'; scale?: number; min?: number };
  /** The stored bytes of this weight (codes for quantized weights). */
  bytes: Uint8Array;
}

export const FIXTURES = fileURLToPath(new URL('../../.fixtures/real', import.meta.url));

export function hasFixture(dir: string): boolean {
  return existsSync(join(FIXTURES, dir));
}

const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };

/** Every weight of a one-group model, with its stored bytes sliced by the manifest's order and sizes. */
export function readRealWeights(dir: string, modelJson: string): RealWeight[] {
  const model = JSON.parse(readFileSync(join(FIXTURES, dir, modelJson), 'utf8'));
  const out: RealWeight[] = [];
  for (const group of model.weightsManifest) {
    const shards = group.paths.map((p: string) => readFileSync(join(FIXTURES, dir, p)));
    const data = new Uint8Array(Buffer.concat(shards));
    let offset = 0;
    for (const w of group.weights) {
      const n = (w.shape as number[]).reduce((a, b) => a * b, 1);
      const size = n * BYTES[w.quantization?.dtype ?? w.dtype];
      out.push({ name: w.name, shape: w.shape, dtype: w.dtype, quantization: w.quantization, bytes: data.slice(offset, offset + size) });
      offset += size;
    }
    if (offset !== data.length) throw new Error(`${dir}: manifest covers ${offset} bytes, shards hold ${data.length}.`);
  }
  return out;
}

/** The float32 values of an unquantized float32 weight (copied, so aligned). */
export function float32Of(w: RealWeight): Float32Array {
  return new Float32Array(w.bytes.slice().buffer);
}
