/**
 * The loops that write pruned tensors, on int32 views of the float bits (see select.ts for why int32). Each also
 * tracks the min and max of what it writes, as order keys, so that quantization after pruning needs no extra pass.
 *
 * Order key: for float32 bits o, `o ^ ((o >> 31) & 0x7fffffff)` is an int32 that orders like the float
 * (-Infinity < ... < -0 < +0 < ... < +Infinity; NaNs beyond both ends).
 */

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

/**
 * Reads src's magnitude keys against the bracket [lo, lo + width]: counts those below it and notes the positions of
 * those inside it in `positions`; and, on the way, the min and max signed order keys of src, so that a kernel that
 * prunes and quantizes in one pass knows the pruned tensor's range before it writes (quantize/pruned-affine.ts).
 * state = [positions used, keys below the bracket, min key, max key]: the first two updated, the last two set for
 * src. Stops early, with state[0] past the capacity, when the bracket holds more weights than `positions` has room
 * for. Writes nothing: what the pruned tensor becomes is made later, tensor by tensor, once the threshold is known.
 */
export function scanBracket(src: Int32Array, lo: number, width: number, positions: Int32Array, state: Int32Array): void {
  let used = state[0];
  let below = state[1];
  let keyMin = KEY_MIN_START;
  let keyMax = KEY_MAX_START;
  const capacity = positions.length;
  for (let i = 0, n = src.length; i < n; i++) {
    const b = src[i];
    const key = b ^ ((b >> 31) & 0x7fffffff);
    if (key < keyMin) keyMin = key;
    if (key > keyMax) keyMax = key;
    const d = (b & 0x7fffffff) - lo; // both below 2^31: a valid int32, negative below the bracket
    if (d >>> 0 <= width) {
      if (used === capacity) {
        state[0] = capacity + 1;
        return;
      }
      positions[used] = i;
      used = (used + 1) | 0;
      continue;
    }
    below = (below - (d >> 31)) | 0; // d >> 31 is -1 below the bracket, 0 above
  }
  state[0] = used;
  state[1] = below;
  state[2] = keyMin;
  state[3] = keyMax;
}

/** keys[j] = magnitude key of src[positions[j]], for j in [from, to). */
export function gatherKeys(src: Int32Array, positions: Int32Array, from: number, to: number, keys: Int32Array): void {
  for (let j = from; j < to; j++) keys[j] = src[positions[j]] & 0x7fffffff;
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
