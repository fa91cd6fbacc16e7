/**
 * Magnitude pruning and affine quantization in one pass: the source weights go straight to the stored codes, the
 * weights the selection prunes coded as 0.0, and the codes that decode to zero counted on the way. The result is
 * exactly what pruning (PruneSelection.write), quantizeAffine with the pruned range, and storedZeros give, code for
 * code; it only skips the pruned float32 copy (a float32 array the size of the tensor, written into fresh pages)
 * and the two passes over it. `pare optimize` never reads the pruned values, so it never needs that copy.
 *
 * The grid comes from the pruned range the selection derived from the source's (prune/pruned-range.ts). Coding a
 * value is a clamp, a float64 division and a round. Where WebAssembly SIMD runs, the tensor is coded sixteen values
 * a step (simd/kernels.wat: the same arithmetic, in float64 lanes). Elsewhere, large 8-bit tensors look most codes
 * up, by a multiplication into a table of buckets of the value range (see bucketTable for why that is exact);
 * values in the few buckets where the code changes, or that hold the threshold (where the pruning decision needs
 * the whole key and the tie quota), take the exact path: pruneBelow's decision, then encodeAffine's arithmetic.
 */
import type { TensorPrunePlan } from '../prune/magnitude';
import { bitsOf, primeKernel } from '../prune/select';
import { SIMD_FROM, simdKernels } from '../simd/kernels';
import type { AffineQuantized } from './affine';
import { affineDtype, affineParams, checkBits, type AffineParams } from './params';
import { zeroLevels } from './stored-zeros';

export interface PrunedAffine extends AffineQuantized {
  /** Zeros of the pruned tensor (before storage), pre-existing zeros included. */
  zerosBefore: number;
  /** Codes that decode to exactly zero. */
  zerosStored: number;
}

/**
 * What a pending pruned tensor offers storage instead of its values (see model/values-on-first-read.ts): its codes
 * for the converter's min/max grid with `bits` bits, or null when it cannot make them this way.
 */
export interface PrunedAffineOffer {
  quantizeAffine(bits: number): PrunedAffine | null;
}

/** 8-bit tensors from this size look codes up by bucket: filling the table costs about 8,000 codings. */
const TABLE_FROM = 1 << 16;

/** How the codes are computed: the SIMD kernel, the bucket table (2..8 bits), or the scalar loop. Same codes. */
export type CodingPath = 'simd' | 'table' | 'direct';
const ROUND_EVEN = 4503599627370496; // as params.ts: + 2^52 - 2^52 rounds half to even

/** The numbers the loops read, as fields of one object (see params.ts on why V8 wants them so). */
interface Kernel {
  scale: number;
  min: number;
  max: number;
  qmax: number;
  /** The magnitude key threshold and the code of 0.0. */
  t: number;
  z0: number;
}

/**
 * Tensor `source` pruned by `plan` and coded on the converter's grid for the pruned range with `bits` bits, or null
 * when the plan does not know the pruned range, or the code of 0.0 would not decode to exactly zero (the caller's
 * ordinary path then reports the lost zero).
 *
 * @param path force a way of coding (tests compare them); by default SIMD where it runs, from 1,024 values, else the
 *   table for 8-bit codes from 2^16 values, else the scalar loop. A path that cannot apply (SIMD unavailable, the
 *   table for 16-bit codes) falls through to the next.
 * @example
 *   const plan = selectGlobal([kernel], 0.5).plan(0);
 *   const q = plan && quantizePrunedAffine(kernel, plan, 8); // q.codes as quantizeAffine(pruned kernel, 8).codes
 */
export function quantizePrunedAffine(source: Float32Array, plan: TensorPrunePlan, bits: number, path?: CodingPath): PrunedAffine | null {
  checkBits(bits);
  if (!plan.range || plan.thresholdKey <= 0) return null;
  const params = affineParams(plan.range.min + 0, plan.range.max + 0, bits);
  const n = source.length;
  const codeBits = bits <= 8 ? 8 : 16;
  const codes = codeBits === 8 ? new Uint8Array(n) : new Uint16Array(n);
  const zero = zeroLevels(params.scale, params.min, codeBits);
  const z0 = codeOf(0, params);
  if (plan.zeros > 0 && !zero[z0]) return null;
  const out = { codes, scale: params.scale, min: params.min, dtype: affineDtype(bits), bits, zerosBefore: plan.zeros };
  // A constant tensor: every code is 0, as encodeAffine writes it.
  if (params.min === params.max) return { ...out, zerosStored: zero[0] ? n : 0 };
  const k: Kernel = { scale: params.scale, min: params.min, max: params.max, qmax: 2 ** bits - 1, t: plan.thresholdKey, z0 };
  const state = Int32Array.of(plan.ties, 0); // [ties left, codes that decode to zero]
  const src = bitsOf(source);
  const simd = (path ?? (n >= SIMD_FROM ? 'simd' : 'direct')) === 'simd' ? simdKernels() : null;
  const zc = simd ? onlyZeroCode(zero) : -2;
  if (simd && zc >= -1) simd.encodePruned(src, { ...k, zc }, codes, state);
  else if (codes instanceof Uint8Array) {
    if (path === 'table' || (path !== 'direct' && n >= TABLE_FROM)) encodeTable8(src, source, k, bucketTable(k, params, plan.range, zero), codes, zero, state);
    else encodeDirect8(src, source, k, codes, zero, state);
  } else encodeDirect16(src, source, k, codes, zero, state); // 65,536 codes: too many for a table of buckets
  if (state[0] !== 0) throw new Error(`Internal error: ${state[0]} of the tie quota left after coding a pruned tensor of ${n} values.`);
  return { ...out, zerosStored: state[1]! };
}

/**
 * The one code that decodes to zero, -1 if none does, or -2 if several do (the SIMD kernel counts one; several
 * would need a scale near the smallest float32, which the scalar loops handle).
 */
export function onlyZeroCode(zero: Uint8Array): number {
  let found = -1;
  for (let c = 0; c < zero.length; c++) {
    if (!zero[c]) continue;
    if (found >= 0) return -2;
    found = c;
  }
  return found;
}

/** One value's code, with encodeAffine's arithmetic. */
export function codeOf(value: number, p: AffineParams): number {
  const v = value < p.min ? p.min : value > p.max ? p.max : value;
  const c = (v - p.min) / p.scale + ROUND_EVEN - ROUND_EVEN;
  return c > 2 ** p.bits - 1 ? 2 ** p.bits - 1 : c;
}

interface Lookup {
  table: Int32Array;
  /** bucket = floor((v - lo) * perUnit) */
  lo: number;
  perUnit: number;
}

/**
 * Buckets of the value range in the table: about 32 per code at 8 bits, so about 3% of values take the exact path.
 * A power of two: the loop masks its index, which never changes one (values lie in [lo, hi], whose buckets are
 * 0..BUCKETS - 1) but spares V8's bounds check (measured about 1.5x faster).
 */
const BUCKETS = 8192;

/**
 * The lookup for 2..8-bit codes: bucket j holds the values v with floor((v - lo) * scale) = j over the tensor's
 * range [lo, hi], and table[j] is their code plus 2^16 if it decodes to zero, or -1 when the bucket needs the exact
 * path. Both the bucket and the code are non-decreasing functions of v, so a bucket holds one code unless a code's
 * first value (found by bisection on the float32 order, with the coding arithmetic itself) falls inside it, and that
 * code is then the number of code boundaries in the buckets below. The buckets holding the threshold's +T and -T are
 * exact-path buckets too; those between them hold only pruned values.
 */
function bucketTable(k: Kernel, p: AffineParams, range: { min: number; max: number }, zero: Uint8Array): Lookup {
  const lo = range.min;
  const perUnit = (BUCKETS - 1) / (range.max - range.min);
  const bucketOf = (v: number) => Math.floor((v - lo) * perUnit);
  const boundaries = new Int32Array(BUCKETS); // code boundaries per bucket
  const exact = new Uint8Array(BUCKETS);
  const loKey = orderKey(range.min);
  const hiKey = orderKey(range.max);
  const top = codeOf(range.max, p);
  for (let code = 1; code <= top; code++) {
    // The first float32 in [lo, hi] (by order key) whose code is at least `code`; it exists since code(hi) >= code.
    let a = loKey;
    let b = hiKey;
    while (a < b) {
      const mid = a + Math.floor((b - a) / 2);
      if (codeOf(valueOfOrderKey(mid), p) >= code) b = mid;
      else a = mid + 1;
    }
    const j = bucketOf(valueOfOrderKey(a));
    if (!(j >= 0 && j < BUCKETS)) throw new Error(`Internal error: code ${code} begins in bucket ${j}, outside the table of the range [${lo}, ${range.max}].`);
    boundaries[j]++;
    exact[j] = 1;
  }
  const t = valueOfOrderKey(k.t); // the threshold as a positive float
  const prunedFrom = bucketOf(-t);
  const prunedTo = bucketOf(t);
  const table = new Int32Array(BUCKETS);
  const pruned = k.z0 | (zero[k.z0]! << 16);
  let code = 0;
  for (let j = 0; j < BUCKETS; j++) {
    if (j === prunedFrom || j === prunedTo) table[j] = -1;
    else if (j > prunedFrom && j < prunedTo) table[j] = pruned;
    else table[j] = exact[j] ? -1 : code | (zero[code]! << 16);
    code += boundaries[j]!;
  }
  return { table, lo, perUnit };
}

const F32 = new Float32Array(1);
const I32 = new Int32Array(F32.buffer);

/** The signed order key of a float32 (see prune/passes.ts): an int32 that orders like the value. */
function orderKey(v: number): number {
  F32[0] = v;
  const b = I32[0]!;
  return b ^ ((b >> 31) & 0x7fffffff);
}

function valueOfOrderKey(key: number): number {
  I32[0] = key ^ ((key >> 31) & 0x7fffffff);
  return F32[0]!;
}

// Two copies of each loop, so that each store site sees one array type (V8 keeps them monomorphic). The exact path
// is pruneBelow's decision followed by encodeAffine's arithmetic on the kept value.

function encodeDirect8(src: Int32Array, values: Float32Array, k: Kernel, codes: Uint8Array, zero: Uint8Array, state: Int32Array): void {
  const { scale, min, max, qmax, t, z0 } = k;
  let ties = state[0]!;
  let stored = 0;
  for (let i = 0, n = src.length; i < n; i++) {
    const key = src[i]! & 0x7fffffff;
    let c = z0;
    if (key === t && ties > 0) ties--;
    else if (key >= t) {
      let v = values[i]!;
      v = v < min ? min : v > max ? max : v;
      c = (v - min) / scale + ROUND_EVEN - ROUND_EVEN;
      if (c > qmax) c = qmax;
    }
    codes[i] = c;
    stored += zero[c]!;
  }
  state[0] = ties;
  state[1] = stored;
}

function encodeDirect16(src: Int32Array, values: Float32Array, k: Kernel, codes: Uint16Array, zero: Uint8Array, state: Int32Array): void {
  const { scale, min, max, qmax, t, z0 } = k;
  let ties = state[0]!;
  let stored = 0;
  for (let i = 0, n = src.length; i < n; i++) {
    const key = src[i]! & 0x7fffffff;
    let c = z0;
    if (key === t && ties > 0) ties--;
    else if (key >= t) {
      let v = values[i]!;
      v = v < min ? min : v > max ? max : v;
      c = (v - min) / scale + ROUND_EVEN - ROUND_EVEN;
      if (c > qmax) c = qmax;
    }
    codes[i] = c;
    stored += zero[c]!;
  }
  state[0] = ties;
  state[1] = stored;
}

function encodeTable8(src: Int32Array, values: Float32Array, k: Kernel, lookup: Lookup, codes: Uint8Array, zero: Uint8Array, state: Int32Array): void {
  const { scale, min, max, qmax, t, z0 } = k;
  const { table, lo, perUnit } = lookup;
  let ties = state[0]!;
  let stored = 0;
  for (let i = 0, n = src.length; i < n; i++) {
    const v = values[i]!;
    const e = table[(((v - lo) * perUnit) | 0) & (BUCKETS - 1)]!; // v >= lo: the truncation is the floor
    if (e >= 0) {
      codes[i] = e; // the store keeps the low 8 bits: the code
      stored += e >>> 16;
      continue;
    }
    const key = src[i]! & 0x7fffffff;
    let c = z0;
    if (key === t && ties > 0) ties--;
    else if (key >= t) {
      const x = v < min ? min : v > max ? max : v;
      c = (x - min) / scale + ROUND_EVEN - ROUND_EVEN;
      if (c > qmax) c = qmax;
    }
    codes[i] = c;
    stored += zero[c]!;
  }
  state[0] = ties;
  state[1] = stored;
}

primeKernel((s) => {
  // Every loop on both of its paths: the tiny sample's buckets mostly straddle code boundaries, so the table loops
  // take the exact path too, and the threshold at the sample's median gives ties and kept values alike.
  const plan = { thresholdKey: bitsOf(s)[7]! & 0x7fffffff, ties: 1, zeros: 0, range: { min: -1, max: 1 } };
  for (const bits of [8, 16]) {
    for (const path of ['table', 'direct'] as const) {
      try {
        quantizePrunedAffine(s, plan, bits, path);
      } catch {
        // The made-up plan's tie quota need not match the sample: only the type feedback matters here.
      }
    }
  }
});
