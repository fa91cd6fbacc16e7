/**
 * Checks one weights-manifest entry against what the stock loader can decode, and says how many bytes it takes.
 * Run before any byte is read, so a bad entry is reported by name instead of as a length mismatch.
 */
import { PareError } from '../errors';
import { quoteName } from '../files/quote';
import type { WeightDtype } from '../model/types';
import type { WeightSpecJson } from './model-json-schema';

const VALUE_DTYPES: readonly string[] = ['float32', 'int32', 'bool'];
const QUANTIZED_DTYPES: readonly string[] = ['uint8', 'uint16', 'float16'];
const BYTES_PER_VALUE: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };

/** Elements in a tensor of this shape (1 for a scalar). */
export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Bytes the weight takes in the shards: its quantized dtype if it has one, else its own dtype. */
export function storedByteLength(spec: WeightSpecJson): number {
  return elementCount(spec.shape) * BYTES_PER_VALUE[spec.quantization?.dtype ?? spec.dtype];
}

/**
 * Throws a PareError naming the weight when the stock loader could not decode it: a shape with a negative or
 * fractional dimension ('shape-mismatch'), a dtype or quantization dtype it does not know ('unknown-dtype'),
 * string/complex weights Pare does not handle ('unsupported'), affine quantization without scale/min
 * ('bad-model-json').
 */
export function checkWeightSpec(spec: WeightSpecJson, file: string): asserts spec is WeightSpecJson & { dtype: WeightDtype } {
  const where = { file, weight: spec.name };
  const bad = spec.shape.findIndex((d) => !Number.isInteger(d) || d < 0);
  if (bad >= 0) {
    throw new PareError(
      'shape-mismatch',
      `Weight ${quoteName(spec.name)} in ${quoteName(file)} has shape [${shownShape(spec.shape)}]; dimension ${bad} is ${spec.shape[bad]}, expected a whole number ≥ 0.`,
      where,
    );
  }
  const count = elementCount(spec.shape);
  if (!Number.isSafeInteger(count)) {
    throw new PareError(
      'shape-mismatch',
      `Weight ${quoteName(spec.name)} in ${quoteName(file)} has shape [${shownShape(spec.shape)}], whose element count (${count}) is not a finite whole number a file could hold.`,
      where,
    );
  }
  if (spec.dtype === 'string' || spec.dtype === 'complex64') {
    throw new PareError(
      'unsupported',
      `Weight ${quoteName(spec.name)} in ${quoteName(file)} has dtype ${quoteName(spec.dtype)}; Pare handles float32, int32 and bool weights.`,
      where,
    );
  }
  if (!VALUE_DTYPES.includes(spec.dtype)) {
    throw new PareError(
      'unknown-dtype',
      `Weight ${quoteName(spec.name)} in ${quoteName(file)} has dtype ${quoteName(spec.dtype)}; expected float32, int32 or bool.`,
      where,
    );
  }
  const q = spec.quantization;
  if (!q) return;
  if (!QUANTIZED_DTYPES.includes(q.dtype)) {
    throw new PareError(
      'unknown-dtype',
      `Weight ${quoteName(spec.name)} in ${quoteName(file)} is quantized as ${quoteName(q.dtype)}; the stock loader knows uint8, uint16 and float16.`,
      where,
    );
  }
  if (q.dtype === 'float16' && spec.dtype !== 'float32') {
    throw new PareError(
      'unknown-dtype',
      `Weight ${quoteName(spec.name)} in ${quoteName(file)} is ${spec.dtype} quantized as float16; the stock loader decodes float16 only into float32.`,
      where,
    );
  }
  if (q.dtype !== 'float16') {
    if (spec.dtype === 'bool') {
      throw new PareError(
        'unknown-dtype',
        `Weight ${quoteName(spec.name)} in ${quoteName(file)} is bool quantized as ${q.dtype}; the stock loader dequantizes only float32 and int32.`,
        where,
      );
    }
    if (!Number.isFinite(q.scale) || !Number.isFinite(q.min)) {
      throw new PareError(
        'bad-model-json',
        `Weight ${quoteName(spec.name)} in ${quoteName(file)} is quantized as ${q.dtype} but its quantization has no numeric scale and min.`,
        where,
      );
    }
  }
}

/** A shape for a message: at most 8 dimensions shown, so a 100,000-dimension shape is not a 100 KB message. */
export function shownShape(shape: readonly unknown[]): string {
  return shape.slice(0, 8).map(String).join(', ') + (shape.length > 8 ? `, … (${shape.length} dimensions)` : '');
}
