/**
 * Decodes one weight's stored bytes into the values stock TF.js would hold after loading: affine uint8/uint16
 * (value = code * scale + min, computed in double and stored as float32, or rounded for int32), float16 -> float32,
 * and plain float32 / int32 / bool. The result never aliases the input bytes, so transforms may write to it.
 */
import type { WeightSpecJson } from './model-json-schema';
import { dequantizeAffine, fromFloat16 } from '../quantize';
import { SIMD_FROM, simdKernels } from '../simd/kernels';
import { sampleCount, type NotedSample } from '../model/known-samples';
import { sideRange } from '../prune/passes';

export type WeightValues = Float32Array | Int32Array | Uint8Array;

/**
 * @param spec a manifest entry already accepted by `checkWeightSpec`
 * @param bytes exactly `storedByteLength(spec)` bytes
 * @example
 *   decodeWeightValues({ name: 'w', shape: [2], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.5, min: -1 } },
 *     new Uint8Array([0, 4])); // Float32Array [-1, 1]
 */
export function decodeWeightValues(spec: WeightSpecJson, bytes: Uint8Array): WeightValues {
  // Copy into a fresh, aligned buffer: offsets inside a shard need not be multiples of 2 or 4.
  const own = bytes.slice().buffer;
  const q = spec.quantization;
  if (!q) {
    if (spec.dtype === 'float32') return new Float32Array(own);
    if (spec.dtype === 'int32') return new Int32Array(own);
    return new Uint8Array(own);
  }
  const codes = q.dtype === 'uint8' ? new Uint8Array(own) : new Uint16Array(own);
  if (q.dtype === 'float16') return fromFloat16(codes as Uint16Array);
  const scale = q.scale as number;
  const min = q.min as number;
  if (spec.dtype === 'int32') {
    const out = new Int32Array(codes.length);
    for (let i = 0; i < codes.length; i++) out[i] = Math.round(codes[i] * scale + min);
    return out;
  }
  return dequantizeAffine(codes, scale, min);
}

/**
 * How many values are NaN or ±Infinity (0 for integer weights): those whose 8 exponent bits are all ones, counted
 * branch-free on the bits (opening checks every float32 weight, so this runs over the whole model). Where the SIMD
 * kernel counts, it measures the range on the same pass: `onRange` then gets it when every value is finite and
 * some have each sign bit (the range later steps need; see model/known-ranges.ts).
 */
export function countNonFinite(
  values: WeightValues,
  onRange?: (range: { min: number; max: number }) => void,
  /** Where the SIMD kernel counts, it also takes the strided sample of model/known-samples.ts and passes it here. */
  sampling?: { every: number; onSample: (sample: NotedSample) => void },
): number {
  if (!(values instanceof Float32Array)) return 0;
  const simd = values.length >= SIMD_FROM ? simdKernels() : null;
  if (simd) {
    const sides = new Int32Array(2);
    const sample = sampling ? { every: sampling.every, keys: new Int32Array(sampleCount(values.length, sampling.every)) } : undefined;
    const count = simd.countNonFinite(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), sides, sample);
    const range = count === 0 ? sideRange(sides[0]!, sides[1]!) : null;
    if (onRange && range && range.min !== null && range.max !== null) onRange({ min: range.min, max: range.max });
    if (sample) sampling?.onSample(sample);
    return count;
  }
  const bits = new Int32Array(values.buffer, values.byteOffset, values.length);
  let n = 0;
  // exponent + 1 is 256 only for an all-ones exponent: bit 8 of it is the count.
  for (let i = 0, len = bits.length; i < len; i++) n += (((bits[i]! >> 23) & 0xff) + 1) >> 8;
  return n;
}

/**
 * How many NaN or infinite values a weight decodes to, read from its stored bytes without decoding it (so `pare
 * inspect` and opening need no float32 copy of quantized weights): float32 and float16 by their exponent bits;
 * affine codes are finite whenever scale, min and the largest code's value are (the usual case), and are decoded
 * to count otherwise. int32 and bool weights have none.
 */
export function countNonFiniteStored(spec: WeightSpecJson, bytes: Uint8Array): number {
  const q = spec.quantization;
  if (!q) {
    if (spec.dtype !== 'float32') return 0;
    const simd = bytes.byteLength >= 4 * SIMD_FROM ? simdKernels() : null;
    if (simd) return simd.countNonFinite(bytes);
    // Exponent all ones: bits 23-30, i.e. the top 7 bits of byte 3 and the top bit of byte 2 (little-endian).
    let n = 0;
    for (let i = 0; i + 3 < bytes.length; i += 4) n += ((bytes[i + 3]! & 0x7f) === 0x7f && (bytes[i + 2]! & 0x80) !== 0) ? 1 : 0;
    return n;
  }
  if (q.dtype === 'float16') {
    let n = 0;
    for (let i = 1; i < bytes.length; i += 2) n += (bytes[i]! & 0x7c) === 0x7c ? 1 : 0;
    return n;
  }
  if (spec.dtype === 'int32') return 0;
  const scale = q.scale as number;
  const min = q.min as number;
  const top = (q.dtype === 'uint8' ? 255 : 65535) * Math.abs(scale) + Math.abs(min);
  if (Number.isFinite(scale) && Number.isFinite(min) && Math.fround(top) !== Infinity) return 0;
  return countNonFinite(decodeWeightValues(spec, bytes));
}
