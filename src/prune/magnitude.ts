/**
 * Unstructured magnitude pruning with an exact target: over n weights in scope, sparsity s leaves exactly
 * round(s * n) zeros, counting the zeros that were already there.
 *
 * Order of pruning. Weights are ranked by |w| and, among equal |w|, by (tensor position in the input list, index in
 * the tensor): the lower (tensor, index) is pruned first. The first round(s * n) weights in that order become zero
 * (round as Math.round: halves up). The threshold comes from a radix select on the float bits (see select.ts), not
 * from sorting; usually only its first pass runs over all weights, and the writing pass finishes the selection among
 * the few weights that share the threshold's high 16 bits.
 *
 * Special values.
 * - -0 and +0 are both zero: they rank first, count towards the target, and come out as +0.
 * - NaN is never pruned and never counts as small: it ranks after every number. If the target is larger than the
 *   number of non-NaN weights, all of those become zero and the NaNs stay (the result then has fewer zeros than asked).
 * - ±Infinity ranks as the largest magnitude, so it is pruned only when everything finite already is.
 * - When more zeros are already there than the target asks for, nothing else is pruned and every zero stays a zero.
 *
 * Inputs are never modified; results are new Float32Arrays.
 */
import { PareError } from '../errors';
import { bitsOf, firstDigitOfKth, kthSmallestKey, primeKernel, valueOfKey, type Bracket } from './select';

export interface PruneResult {
  /** New arrays, one per input and in input order. */
  values: Float32Array[];
  /** Zeros in each output array, pre-existing zeros included. */
  zeros: number[];
  /** Zeros over all outputs. Equal to `targetZeros` unless more zeros were there already or NaNs were in the way. */
  totalZeros: number;
  /** round(sparsity * count): the zeros asked for. */
  targetZeros: number;
  /** Weights in scope (the total length of the inputs). */
  count: number;
  /**
   * The |w| threshold: the largest magnitude that was pruned (0 when only zeros were, or nothing). Every pruned
   * weight has |w| <= threshold and every kept non-zero weight has |w| >= threshold; weights with |w| equal to it
   * are split by (tensor, index) order.
   */
  threshold: number;
}

export interface PruneTensorResult {
  values: Float32Array;
  zeros: number;
  targetZeros: number;
  count: number;
  threshold: number;
}

const NAN_KEYS_START = 0x7f800001; // magnitude keys above +Infinity's are NaNs
const INFINITY_BUCKET = 0x7f80; // high 16 bits of +Infinity's key: from here on, NaNs may share the bucket

/**
 * Prunes several tensors together with ONE magnitude threshold, to exactly round(sparsity * n) zeros over all of
 * them (see the module comment for ties, -0, NaN and pre-existing zeros).
 *
 * @param tensors the weights in scope; never modified.
 * @param sparsity the fraction of zeros wanted, 0..1.
 * @example
 *   const { values, zeros, threshold } = pruneGlobal([kernel1, kernel2], 0.5);
 */
export function pruneGlobal(tensors: readonly Float32Array[], sparsity: number): PruneResult {
  checkSparsity(sparsity);
  const sources = tensors.map(bitsOf);
  let count = 0;
  for (const t of tensors) count += t.length;
  const targetZeros = Math.round(sparsity * count);
  const outputs = sources.map((src) => new Float32Array(src.length));
  const dsts = outputs.map(bitsOf);
  const zeros = new Array<number>(sources.length).fill(0);

  let thresholdKey = -1;
  if (targetZeros > 0) {
    const first = firstDigitOfKth(sources, targetZeros, 'magnitude');
    if (first.bucket < INFINITY_BUCKET && first.inBucket <= count / 8) {
      const lo = first.bucket << 16;
      thresholdKey = pruneAroundBracket(sources, dsts, zeros, targetZeros, { lo, hi: lo | 0xffff, capacity: first.inBucket });
    }
  }
  if (thresholdKey < 0) thresholdKey = pruneWithTwoPasses(sources, dsts, zeros, targetZeros, count);
  let totalZeros = 0;
  for (const z of zeros) totalZeros += z;
  return { values: outputs, zeros, totalZeros, targetZeros, count, threshold: valueOfKey(thresholdKey, 'magnitude') };
}

/**
 * The common case: the first radix pass found the high 16 bits of the k-th magnitude key, and few weights share
 * them. One writing pass prunes everything below that bracket of keys, keeps everything above it, and notes the
 * positions inside it; the threshold is then selected among those few, and they are pruned in (tensor, index) order
 * (replacing the second radix pass over all weights). Returns the threshold key, or -1 if the bracket held more than
 * `capacity` weights or missed the k-th (not expected from an exact first digit): the caller then falls back and
 * every output is rewritten.
 */
function pruneAroundBracket(sources: Int32Array[], dsts: Int32Array[], zeros: number[], k: number, bracket: Bracket): number {
  const positions = new Int32Array(bracket.capacity);
  const starts: number[] = []; // where each tensor's positions begin in `positions`
  const state = new Int32Array(2); // [positions used, zeros written in this tensor]
  let below = 0;
  for (let t = 0; t < sources.length; t++) {
    starts.push(state[0]);
    state[1] = 0;
    pruneOutsideBracket(sources[t], dsts[t], bracket.lo, bracket.hi - bracket.lo, positions, state);
    if (state[0] > bracket.capacity) return -1;
    zeros[t] = state[1];
    below += state[1];
  }
  starts.push(state[0]);
  const inBracket = state[0];
  if (!(below < k && k <= below + inBracket)) return -1;
  // The rest of the selection, among the weights in the bracket only.
  const keys = new Int32Array(inBracket);
  for (let t = 0; t < sources.length; t++) {
    for (let j = starts[t]; j < starts[t + 1]; j++) keys[j] = sources[t][positions[j]] & 0x7fffffff;
  }
  const inside = kthSmallestKey([keys], k - below, 'magnitude');
  const threshold = inside.key;
  let ties = k - below - inside.below;
  for (let t = 0; t < sources.length; t++) {
    const dst = dsts[t];
    for (let j = starts[t]; j < starts[t + 1]; j++) {
      const key = keys[j];
      let prune = key < threshold;
      if (!prune && key === threshold && ties > 0) {
        ties--;
        prune = true;
      }
      if (prune || key === 0) {
        dst[positions[j]] = 0; // zeros beyond the target (threshold 0) are still written as +0
        zeros[t]++;
      }
    }
  }
  return threshold;
}

/**
 * Everything else (a threshold among the tiniest magnitudes or at Infinity, NaNs in the way, masses of equal
 * weights): a full two-pass selection, then the writing pass. Returns the threshold key.
 */
function pruneWithTwoPasses(sources: Int32Array[], dsts: Int32Array[], zeros: number[], targetZeros: number, count: number): number {
  let k = targetZeros;
  let thresholdKey = 0;
  let below = 0;
  if (k > 0) {
    let kth = kthSmallestKey(sources, k, 'magnitude');
    if (kth.key >= NAN_KEYS_START) {
      // Fewer non-NaN weights than the target: prune all of them, keep the NaNs.
      k = count - countNaN(sources);
      kth = k > 0 ? kthSmallestKey(sources, k, 'magnitude') : { key: 0, below: 0 };
    }
    thresholdKey = kth.key;
    below = kth.below;
  }
  let ties = k - below; // weights with key === thresholdKey still to prune, in (tensor, index) order
  for (let t = 0; t < sources.length; t++) {
    if (thresholdKey === 0) {
      zeros[t] = copyNormalizingZeros(sources[t], dsts[t]);
    } else {
      const r = pruneBelow(sources[t], dsts[t], thresholdKey, ties);
      zeros[t] = r.zeros;
      ties = r.tiesLeft;
    }
  }
  return thresholdKey;
}

/**
 * Prunes one tensor to exactly round(sparsity * n) zeros by magnitude; same rules as {@link pruneGlobal}.
 *
 * @example
 *   const { values, zeros } = pruneTensor(kernel, 0.9); // zeros === Math.round(0.9 * kernel.length)
 */
export function pruneTensor(values: Float32Array, sparsity: number): PruneTensorResult {
  const r = pruneGlobal([values], sparsity);
  return { values: r.values[0], zeros: r.zeros[0], targetZeros: r.targetZeros, count: r.count, threshold: r.threshold };
}

function checkSparsity(sparsity: number): void {
  if (typeof sparsity !== 'number' || !(sparsity >= 0 && sparsity <= 1)) {
    throw new PareError('bad-options', `Sparsity must be a number from 0 to 1; got ${String(sparsity)}.`);
  }
}

/**
 * Writes src to dst, zeroing keys below `t` and the first `ties` keys equal to `t`. Branch-free for the common case
 * because at 50% sparsity "is this weight pruned" is a coin flip the CPU cannot predict.
 */
function pruneBelow(
  src: Int32Array,
  dst: Int32Array,
  t: number,
  ties: number,
): { zeros: number; tiesLeft: number } {
  let z = 0;
  for (let i = 0, n = src.length; i < n; i++) {
    const b = src[i];
    const key = b & 0x7fffffff;
    if (key === t) {
      if (ties > 0) {
        ties--;
        z++;
        dst[i] = 0;
      } else {
        dst[i] = b;
      }
      continue;
    }
    const prune = (key - t) >> 31; // -1 when key < t (both keys are below 2^31), else 0
    dst[i] = b & ~prune;
    z -= prune;
  }
  return { zeros: z, tiesLeft: ties };
}

/**
 * Writes src to dst, zeroing magnitude keys below `lo`, keeping those above lo + width, and noting the positions of
 * those in between (kept for now) in `positions`. state = [positions used, zeros written]; stops early, with
 * state[0] past the capacity, when the bracket holds more weights than `positions` has room for.
 */
function pruneOutsideBracket(src: Int32Array, dst: Int32Array, lo: number, width: number, positions: Int32Array, state: Int32Array): void {
  let used = state[0];
  let z = state[1];
  const capacity = positions.length;
  for (let i = 0, n = src.length; i < n; i++) {
    const b = src[i];
    const d = (b & 0x7fffffff) - lo; // both below 2^31: a valid int32, negative below the bracket
    if (d >>> 0 <= width) {
      if (used === capacity) {
        state[0] = capacity + 1;
        return;
      }
      positions[used] = i;
      used = (used + 1) | 0;
      dst[i] = b;
      continue;
    }
    const prune = d >> 31; // -1 below the bracket, 0 above
    dst[i] = b & ~prune;
    z = (z - prune) | 0;
  }
  state[0] = used;
  state[1] = z;
}

/** Copies src to dst turning -0 into +0; returns the number of zeros. */
function copyNormalizingZeros(src: Int32Array, dst: Int32Array): number {
  let z = 0;
  for (let i = 0, n = src.length; i < n; i++) {
    const b = src[i];
    if ((b & 0x7fffffff) === 0) {
      dst[i] = 0;
      z++;
    } else {
      dst[i] = b;
    }
  }
  return z;
}

function countNaN(sources: readonly Int32Array[]): number {
  let c = 0;
  for (const a of sources) {
    for (let i = 0, n = a.length; i < n; i++) if ((a[i] & 0x7fffffff) >= NAN_KEYS_START) c++;
  }
  return c;
}

primeKernel((s) => {
  pruneGlobal([s, s], 0.5);
  pruneGlobal([s], 0);
});
