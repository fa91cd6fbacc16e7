/**
 * Affine quantization of one float32 tensor: choose the range (the converter's min/max, or a clipping method),
 * then code it with the converter's arithmetic (params.ts). Pure: the input is never modified.
 */
import { PareError } from '../errors';
import { affineDtype, affineParams, checkBits, encodeAffine, encodeOnGrid, finiteRange, type AffineDtype } from './params';
import { chooseRange, type ClipMethod } from './range';

export interface AffineQuantized {
  /** One code per value; uint8 for 2..8 bits (only 2^bits levels used), uint16 for 9..16 bits. */
  codes: Uint8Array | Uint16Array;
  /** The manifest's `quantization: {dtype, scale, min}`: value = code * scale + min. */
  scale: number;
  min: number;
  dtype: AffineDtype;
  bits: number;
}

export interface QuantizeAffineOptions {
  /**
   * The range to quantize over instead of one chosen by `clip` (values outside are clipped). Like every range, it is
   * widened to hold 0 when the data's own range holds 0, so that zeros stay exactly zero.
   */
  range?: { min: number; max: number };
  /** How the range is chosen when `range` is not given: 'minmax' (default, the converter's), 'percentile', 'mse'. */
  clip?: ClipMethod;
  /** For clip 'percentile': the percentage of values kept inside the range at each end, 50..100 (default 99.99). */
  percentile?: number;
  /**
   * A grid the values may already lie on, e.g. the `{scale, min}` an already-quantized input was stored with.
   * When every value decodes back exactly from it with codes 0..2^bits-1, it is kept as is, so re-quantizing a
   * quantized tensor with the same settings changes nothing, not even the last bit of scale or min.
   */
  grid?: { scale: number; min: number };
  /**
   * The min and max of `values` when the caller already has them and `values` holds no NaN or ±Infinity, as
   * pruneGlobal reports for its outputs (`ranges`): spares a pass over the weights. Wrong numbers here give a wrong
   * grid, so pass only what was measured on these very values.
   */
  dataRange?: { min: number; max: number } | null;
}

/**
 * Quantizes float32 values to 2^bits levels with tensorflowjs_converter's arithmetic (see params.ts), returning
 * the codes and the manifest's `{dtype, scale, min}`.
 *
 * @param bits 2..16; up to 8 the codes are uint8, above uint16.
 * @example
 *   const q = quantizeAffine(weights, 8);               // as `tensorflowjs_converter --quantize_uint8`
 *   const q4 = quantizeAffine(weights, 4, { clip: 'mse' });
 *   const seen = dequantizeAffine(q.codes, q.scale, q.min); // what stock tf.loadGraphModel will hold
 */
export function quantizeAffine(values: Float32Array, bits: number, opts: QuantizeAffineOptions = {}): AffineQuantized {
  checkBits(bits);
  const dtype = affineDtype(bits);
  if (opts.grid) {
    const kept = encodeOnGrid(values, opts.grid.scale, opts.grid.min, bits);
    if (kept) return { codes: kept, scale: opts.grid.scale, min: opts.grid.min, dtype, bits };
  }
  const data = opts.dataRange ? { min: opts.dataRange.min + 0, max: opts.dataRange.max + 0, nonFinite: 0 } : finiteRange(values);
  let lo = data.min;
  let hi = data.max;
  const range = opts.range ?? (opts.clip && opts.clip !== 'minmax' ? chooseRange(values, bits, opts, data) : undefined);
  if (range) {
    lo = range.min;
    hi = range.max;
    if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo <= hi)) {
      throw new PareError('bad-options', `A quantization range needs finite min <= max; got [${lo}, ${hi}].`);
    }
    if (data.min <= 0 && 0 <= data.max && values.length > data.nonFinite) {
      lo = Math.min(lo, 0);
      hi = Math.max(hi, 0);
    }
    // Bounds the data could hold, as the converter's min and max always are.
    lo = Math.fround(lo);
    hi = Math.fround(hi);
  }
  const params = affineParams(lo, hi, bits);
  const codes = encodeAffine(values, params, data.nonFinite > 0);
  return { codes, scale: params.scale, min: params.min, dtype, bits };
}
