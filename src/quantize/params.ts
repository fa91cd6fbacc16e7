/**
 * The arithmetic of per-tensor affine quantization: exactly tensorflowjs_converter's, and decoding exactly as the
 * stock TF.js loader does.
 *
 * The converter (tfjs-converter/python/tensorflowjs/quantization.py, `quantize_weights` and
 * `_get_affine_quantization_range`), in float64:
 *   scale = (max - min) / (2^bits - 1)
 *   if min <= 0 <= max:                       # nudge so that 0.0 is exactly a code
 *     zero = round_half_even((0 - min) / scale);  min = -zero * scale;  max = (2^bits - 1) * scale + min
 *   codes = round_half_even((clip(w, min, max) - min) / scale)
 *   a constant tensor (min == max) gets codes 0, scale 1, min = the value.
 * The manifest stores {dtype, scale, min} as float64 JSON numbers. The loader (tfjs-core io_utils decodeWeight)
 * computes `code * scale + min` in float64 and stores it in a Float32Array, i.e. rounds once to float32.
 *
 * Where Pare chooses, and why:
 * - float64 throughout, as NumPy >= 2 computes `clip(float32 data, float64 bounds)`. (NumPy 1.x's value-based
 *   casting did the subtraction and division in float32, which can move a value lying within float32 rounding of a
 *   half-step to the neighbouring code.)
 * - Non-finite values are left out of min/max (NumPy would turn scale into NaN or Infinity and every code into
 *   garbage). ±Infinity then clips to the ends of the range; NaN gets the code nearest 0 (exactly 0 when the range
 *   holds 0).
 * - A min of -0 (the nudge with a zero point of 0 gives `-0 * scale`) is written as +0; decoding is unaffected.
 * - bits other than 8 and 16 follow the same formula with 2^bits - 1 levels: 2..8 bits are stored as uint8 codes,
 *   9..16 as uint16, which is all the stock loader needs to know.
 * - A clipping range (`range`, or a method in range.ts) replaces the data's min/max in the same formula; it is
 *   widened to hold 0 whenever the data's own range holds 0, so that zeros (pruned weights) stay exactly zero.
 */
import { PareError } from '../errors';
import { primeKernel } from '../prune/select';

export type AffineDtype = 'uint8' | 'uint16';

export interface AffineParams {
  /** value = code * scale + min */
  scale: number;
  min: number;
  /** The top of the (nudged) range: clip bound for values, decodes from code 2^bits - 1 (before float32 rounding). */
  max: number;
  bits: number;
}

/** Adding then subtracting 2^52 rounds a float64 in [0, 2^52) to the nearest integer, ties to even (IEEE default). */
const ROUND_EVEN = 4503599627370496;

/** Rounds half to even, as NumPy's `np.round` does. */
export function roundHalfEven(x: number): number {
  if (Math.abs(x) >= ROUND_EVEN) return x;
  return x >= 0 ? x + ROUND_EVEN - ROUND_EVEN : -(-x + ROUND_EVEN - ROUND_EVEN);
}

/** Throws unless bits is an integer from 2 to 16. */
export function checkBits(bits: number): void {
  if (!Number.isInteger(bits) || bits < 2 || bits > 16) {
    throw new PareError('bad-options', `Quantization bits must be an integer from 2 to 16; got ${String(bits)}.`);
  }
}

/** The stored dtype for a bit depth: uint8 up to 8 bits, uint16 above. */
export function affineDtype(bits: number): AffineDtype {
  return bits <= 8 ? 'uint8' : 'uint16';
}

/**
 * The converter's scale and nudged range for data spanning [min, max] (finite, min <= max).
 *
 * @example
 *   affineParams(-0.1, 1.2, 8) // { scale: 0.005098..., min: -0.10196..., max: 1.1980..., bits: 8 }
 */
export function affineParams(min: number, max: number, bits: number): AffineParams {
  checkBits(bits);
  if (!(Number.isFinite(min) && Number.isFinite(max) && min <= max)) {
    throw new PareError('bad-options', `A quantization range needs finite min <= max; got [${min}, ${max}].`);
  }
  if (min === max) return { scale: 1, min: min + 0, max: max + 0, bits };
  const qmax = 2 ** bits - 1;
  const scale = (max - min) / qmax;
  if (min <= 0 && 0 <= max) {
    const zero = roundHalfEven((0 - min) / scale);
    const nudgedMin = -zero * scale + 0; // + 0 turns -0 into +0
    return { scale, min: nudgedMin, max: qmax * scale + nudgedMin, bits };
  }
  return { scale, min, max, bits };
}

/** Min and max over the finite values, and how many values were not finite. Empty or all non-finite: [0, 0]. */
export function finiteRange(values: Float32Array): { min: number; max: number; nonFinite: number } {
  let min = Infinity;
  let max = -Infinity;
  let probe = 0; // v - v is 0 for finite v and NaN for NaN and ±Infinity: one branch-free check for the whole pass
  for (let i = 0, n = values.length; i < n; i++) {
    const v = values[i];
    if (v < min) min = v;
    if (v > max) max = v;
    probe += v - v;
  }
  let nonFinite = 0;
  if (probe !== 0) {
    // Rare: recount without the non-finite values.
    min = Infinity;
    max = -Infinity;
    for (let i = 0, n = values.length; i < n; i++) {
      const v = values[i];
      if (v - v !== 0) {
        nonFinite++;
        continue;
      }
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  if (min > max) return { min: 0, max: 0, nonFinite };
  return { min: min + 0, max: max + 0, nonFinite };
}

/**
 * Codes for `values` under `params`, exactly as the converter computes them (see the module comment for NaN).
 * One pass, no allocation besides the result.
 */
export function encodeAffine(values: Float32Array, params: AffineParams, hasNaN: boolean): Uint8Array | Uint16Array {
  const { scale, min, max, bits } = params;
  const n = values.length;
  const qmax = 2 ** bits - 1;
  const codes = bits <= 8 ? new Uint8Array(n) : new Uint16Array(n);
  if (min === max) return codes; // constant: every code is 0
  // Two copies of one loop, so that each store site only ever sees one array type (V8 keeps it monomorphic).
  if (codes instanceof Uint8Array) encodeInto8(values, params, codes);
  else encodeInto16(values, params, codes);
  if (hasNaN) {
    const zero = Math.min(qmax, roundHalfEven((Math.min(Math.max(0, min), max) - min) / scale));
    for (let i = 0; i < n; i++) if (values[i] !== values[i]) codes[i] = zero;
  }
  return codes;
}

// The numbers come in as fields of `params`, not as arguments: V8 then reads them as float64 once. As arguments, a
// small-integer min seen while priming made it mix tagged and float64 values in the loop (measured 2x slower).
function encodeInto8(values: Float32Array, params: AffineParams, codes: Uint8Array): void {
  const { scale, min, max, bits } = params;
  const qmax = 2 ** bits - 1;
  for (let i = 0, n = values.length; i < n; i++) {
    let v = values[i];
    v = v < min ? min : v > max ? max : v;
    let c = (v - min) / scale + ROUND_EVEN - ROUND_EVEN; // round half to even, as np.round
    if (c > qmax) c = qmax;
    codes[i] = c;
  }
}

function encodeInto16(values: Float32Array, params: AffineParams, codes: Uint16Array): void {
  const { scale, min, max, bits } = params;
  const qmax = 2 ** bits - 1;
  for (let i = 0, n = values.length; i < n; i++) {
    let v = values[i];
    v = v < min ? min : v > max ? max : v;
    let c = (v - min) / scale + ROUND_EVEN - ROUND_EVEN;
    if (c > qmax) c = qmax;
    codes[i] = c;
  }
}

/**
 * Decodes affine codes exactly as the stock TF.js loader does: `code * scale + min` in float64, stored as float32.
 *
 * @example
 *   dequantizeAffine(Uint8Array.of(0, 255), 0.01, -1) // Float32Array [-1, 1.5499999523162842]
 */
export function dequantizeAffine(codes: Uint8Array | Uint16Array, scale: number, min: number): Float32Array {
  const n = codes.length;
  const out = new Float32Array(n);
  const levels = codes instanceof Uint8Array ? 256 : 65536;
  if (n > levels) {
    // Same arithmetic, computed once per level: then a table lookup per value.
    const table = new Float32Array(levels);
    for (let c = 0; c < levels; c++) table[c] = c * scale + min;
    if (codes instanceof Uint8Array) lookup8(codes, table, out);
    else lookup16(codes, table, out);
  } else {
    for (let i = 0; i < n; i++) out[i] = codes[i] * scale + min;
  }
  return out;
}

function lookup8(codes: Uint8Array, table: Float32Array, out: Float32Array): void {
  for (let i = 0, n = codes.length; i < n; i++) out[i] = table[codes[i]];
}

function lookup16(codes: Uint16Array, table: Float32Array, out: Float32Array): void {
  for (let i = 0, n = codes.length; i < n; i++) out[i] = table[codes[i]];
}

/** Codes reproducing `values` exactly from (scale, min) with 2^bits levels, or null if they do not lie on that grid. */
export function encodeOnGrid(values: Float32Array, scale: number, min: number, bits: number): Uint8Array | Uint16Array | null {
  if (!(scale > 0 && Number.isFinite(scale) && Number.isFinite(min))) return null;
  const qmax = 2 ** bits - 1;
  const n = values.length;
  const codes = bits <= 8 ? new Uint8Array(n) : new Uint16Array(n);
  const f32 = new Float32Array(1);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    let c = roundHalfEven((v - min) / scale);
    if (!(c >= 0 && c <= qmax)) {
      // An end code can decode past the float32 range (to ±Infinity) when the range nears ±3.4e38: still on the grid.
      if (v === Infinity || v === -Infinity) c = v > 0 ? qmax : 0;
      else return null; // also rejects NaN
    }
    f32[0] = c * scale + min;
    if (f32[0] !== v) return null;
    codes[i] = c;
  }
  return codes;
}

primeKernel((s) => {
  const range = finiteRange(s);
  for (const bits of [8, 16]) {
    const p = affineParams(range.min, range.max, bits);
    const codes = encodeAffine(s, p, false);
    dequantizeAffine(codes, p.scale, p.min);
  }
  dequantizeAffine(new Uint8Array(300), 0.5, -1); // the table paths
  dequantizeAffine(new Uint16Array(70000), 0.5, -1);
});
