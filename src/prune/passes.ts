/**
 * The loops that write pruned tensors, on int32 views of the float bits (see select.ts for why int32). Each also
 * tracks the min and max of what it writes, as order keys, so that quantization after pruning needs no extra pass.
 *
 * Order key: for float32 bits o, `o ^ ((o >> 31) & 0x7fffffff)` is an int32 that orders like the float
 * (-Infinity < ... < -0 < +0 < ... < +Infinity; NaNs beyond both ends).
 */
import { SIMD_FROM, simdKernels } from '../simd/kernels';

/** Keys of ±Infinity: a written key at or beyond these means the tensor holds a non-finite value. */
const POS_INF_KEY = 0x7f800000;
const NEG_INF_KEY = (0xff800000 | 0) ^ 0x7fffffff;
/** Start values for a running min / max of order keys. */
export const KEY_MIN_START = 0x7fffffff;
export const KEY_MAX_START = -0x80000000;

const I32 = new Int32Array(1);
const F32 = new Float32Array(I32.buffer);

/** The finite [min, max] of a tensor from the min and max order keys written, or null if empty or non-finite. */
export function rangeFromKeys(keyMin: number, keyMax: number): { min: number; max: number } | null {
  if (keyMin > keyMax || keyMax >= POS_INF_KEY || keyMin <= NEG_INF_KEY) return null;
  I32[0] = keyMin ^ ((keyMin >> 31) & 0x7fffffff);
  const min = F32[0] + 0;
  I32[0] = keyMax ^ ((keyMax >> 31) & 0x7fffffff);
  return { min, max: F32[0] + 0 };
}

/** Room `keys` needs past the capacity {@link scanBracket} is given: it checks for overflow once per block. */
export const SCAN_SLACK = 4096;

/**
 * Reads src's magnitude keys against the bracket [lo, lo + width]: counts those below it and appends those inside
 * it to `keys` (in index order: the tie quota follows it); and, on the way, what the range of src is, so that a kernel that prunes and
 * quantizes in one pass knows the pruned tensor's range before it writes (quantize/pruned-affine.ts): the largest
 * int32 bits (the max, when any value has its sign bit clear) and the largest bits with the sign flipped (minus the
 * min, when any value has its sign bit set); see {@link sideRange}.
 * state = [keys found, keys below the bracket, max bits, max flipped bits]: the first two updated, the last two
 * set for src. `keys` holds `capacity` + SCAN_SLACK; when the bracket holds more than `capacity` weights, the scan
 * stops early with state[0] past the capacity. Branch-free inside a block (a key is written for every weight and
 * kept only for those inside): the weights inside come at random, and a branch on them mispredicts.
 * Writes nothing else: what the pruned tensor becomes is made later, tensor by tensor, once the threshold is known.
 * Where WebAssembly SIMD runs, tensors from 1,024 weights are read four at a time (simd/kernels.wat), to the same
 * effect; {@link scanBracketScalar} is the loop everywhere else.
 */
export function scanBracket(src: Int32Array, lo: number, width: number, keys: Int32Array, state: Int32Array): void {
  const simd = src.length >= SIMD_FROM ? simdKernels() : null;
  if (simd) simd.scanBracket(src, lo, width, keys, SCAN_SLACK, state);
  else scanBracketScalar(src, lo, width, keys, state);
}

/** {@link scanBracket} in scalar JavaScript. */
export function scanBracketScalar(src: Int32Array, lo: number, width: number, keys: Int32Array, state: Int32Array): void {
  let used = state[0];
  let below = state[1];
  let maxBits = KEY_MAX_START;
  let maxFlipped = KEY_MAX_START;
  const capacity = keys.length - SCAN_SLACK;
  const n = src.length;
  for (let start = 0; start < n; start += SCAN_SLACK) {
    if (used > capacity) break;
    const end = Math.min(n, start + SCAN_SLACK);
    for (let i = start; i < end; i++) {
      const b = src[i];
      maxBits = b > maxBits ? b : maxBits;
      const flipped = b ^ -0x80000000;
      maxFlipped = flipped > maxFlipped ? flipped : maxFlipped;
      const magnitude = b & 0x7fffffff;
      const d = magnitude - lo; // both below 2^31: a valid int32, negative below the bracket
      keys[used] = magnitude;
      used = (used + (d >>> 0 <= width ? 1 : 0)) | 0;
      below = (below - (d >> 31)) | 0; // d >> 31 is -1 below the bracket, 0 above (and inside: d >= 0)
    }
  }
  state[0] = used > capacity ? capacity + 1 : used;
  state[1] = below;
  state[2] = maxBits;
  state[3] = maxFlipped;
}

/**
 * The min and max of a tensor from scanBracket's max bits and max flipped bits: each side null when no value has
 * that sign (all negative: the max is the negative nearest zero, which the scan does not track), and the whole
 * range null when the tensor holds NaN or ±Infinity.
 */
export function sideRange(maxBits: number, maxFlipped: number): { min: number | null; max: number | null } | null {
  if (maxBits >= POS_INF_KEY || maxFlipped >= POS_INF_KEY) return null;
  I32[0] = maxBits;
  const max = maxBits >= 0 ? F32[0] + 0 : null;
  I32[0] = maxFlipped;
  const min = maxFlipped >= 0 ? -F32[0] + 0 : null;
  return { min, max };
}

/**
 * Writes src to dst, zeroing magnitude keys below `t` and the first `ties` keys equal to `t`.
 * state = [ties left, zeros written, min key, max key].
 */
export function pruneBelow(src: Int32Array, dst: Int32Array, t: number, state: Int32Array): void {
  let ties = state[0];
  let z = 0;
  let keyMin = KEY_MIN_START;
  let keyMax = KEY_MAX_START;
  for (let i = 0, n = src.length; i < n; i++) {
    const b = src[i];
    const magnitude = b & 0x7fffffff;
    let o: number;
    if (magnitude === t && ties > 0) {
      ties--;
      o = 0;
      z++;
    } else {
      const prune = (magnitude - t) >> 31; // -1 below t, else 0
      o = b & ~prune;
      z -= prune;
    }
    dst[i] = o;
    const key = o ^ ((o >> 31) & 0x7fffffff);
    if (key < keyMin) keyMin = key;
    if (key > keyMax) keyMax = key;
  }
  state[0] = ties;
  state[1] = z;
  state[2] = keyMin;
  state[3] = keyMax;
}

/** Copies src to dst turning -0 into +0. state = [unused, zeros, min key, max key]. */
export function copyNormalizingZeros(src: Int32Array, dst: Int32Array, state: Int32Array): void {
  let z = 0;
  let keyMin = KEY_MIN_START;
  let keyMax = KEY_MAX_START;
  for (let i = 0, n = src.length; i < n; i++) {
    let o = src[i];
    if ((o & 0x7fffffff) === 0) {
      o = 0;
      z++;
    }
    dst[i] = o;
    const key = o ^ ((o >> 31) & 0x7fffffff);
    if (key < keyMin) keyMin = key;
    if (key > keyMax) keyMax = key;
  }
  state[1] = z;
  state[2] = keyMin;
  state[3] = keyMax;
}

/** How many NaNs the arrays hold. */
export function countNaN(sources: readonly Int32Array[]): number {
  let c = 0;
  for (const a of sources) {
    for (let i = 0, n = a.length; i < n; i++) if ((a[i] & 0x7fffffff) > 0x7f800000) c++;
  }
  return c;
}
