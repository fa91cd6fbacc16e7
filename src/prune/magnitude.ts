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
import {
  copyNormalizingZeros,
  countNaN,
  gatherKeys,
  KEY_MAX_START,
  KEY_MIN_START,
  pruneBelow,
  pruneOutsideBracket,
  rangeFromKeys,
  settleBracket,
} from './passes';
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
  /**
   * The min and max of each output (zeros included), or null when it is empty or holds NaN or ±Infinity. Pass them
   * on as quantizeAffine's `dataRange` to spare it a pass over the weights.
   */
  ranges: ({ min: number; max: number } | null)[];
}

export interface PruneTensorResult {
  values: Float32Array;
  zeros: number;
  targetZeros: number;
  count: number;
  threshold: number;
  range: { min: number; max: number } | null;
}

/** Per-tensor tallies the writing passes fill in. */
interface Tally {
  zeros: number[];
  keyMin: number[];
  keyMax: number[];
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
  const tally: Tally = {
    zeros: new Array<number>(sources.length).fill(0),
    keyMin: new Array<number>(sources.length).fill(KEY_MIN_START),
    keyMax: new Array<number>(sources.length).fill(KEY_MAX_START),
  };

  let thresholdKey = -1;
  if (targetZeros > 0) {
    const first = firstDigitOfKth(sources, targetZeros, 'magnitude');
    if (first.bucket < INFINITY_BUCKET && first.inBucket <= count / 8) {
      const lo = first.bucket << 16;
      thresholdKey = pruneAroundBracket(sources, dsts, tally, targetZeros, { lo, hi: lo | 0xffff, capacity: first.inBucket });
    }
  }
  if (thresholdKey < 0) thresholdKey = pruneWithTwoPasses(sources, dsts, tally, targetZeros, count);
  let totalZeros = 0;
  for (const z of tally.zeros) totalZeros += z;
  return {
    values: outputs,
    zeros: tally.zeros,
    totalZeros,
    targetZeros,
    count,
    threshold: valueOfKey(thresholdKey, 'magnitude'),
    ranges: tally.keyMin.map((lo, t) => rangeFromKeys(lo, tally.keyMax[t])),
  };
}

/**
 * The common case: the first radix pass found the high 16 bits of the k-th magnitude key, and few weights share
 * them. One writing pass prunes everything below that bracket of keys, keeps everything above it, and notes the
 * positions inside it; the threshold is then selected among those few, and they are pruned in (tensor, index) order
 * (replacing the second radix pass over all weights). Returns the threshold key, or -1 if the bracket held more than
 * `capacity` weights or missed the k-th (not expected from an exact first digit): the caller then falls back and
 * every output is rewritten.
 */
function pruneAroundBracket(sources: Int32Array[], dsts: Int32Array[], tally: Tally, k: number, bracket: Bracket): number {
  const positions = new Int32Array(bracket.capacity);
  const starts: number[] = []; // where each tensor's positions begin in `positions`
  const state = new Int32Array(4); // [positions used, zeros written, min key, max key] for the current tensor
  let below = 0;
  for (let t = 0; t < sources.length; t++) {
    starts.push(state[0]);
    state[1] = 0;
    state[2] = KEY_MIN_START;
    state[3] = KEY_MAX_START;
    pruneOutsideBracket(sources[t], dsts[t], bracket.lo, bracket.hi - bracket.lo, positions, state);
    if (state[0] > bracket.capacity) return -1;
    tally.zeros[t] = state[1];
    tally.keyMin[t] = state[2];
    tally.keyMax[t] = state[3];
    below += state[1];
  }
  starts.push(state[0]);
  const inBracket = state[0];
  if (!(below < k && k <= below + inBracket)) return -1;
  // The rest of the selection, among the weights in the bracket only.
  const keys = new Int32Array(inBracket);
  for (let t = 0; t < sources.length; t++) gatherKeys(sources[t], positions, starts[t], starts[t + 1], keys);
  const inside = kthSmallestKey([keys], k - below, 'magnitude');
  const threshold = inside.key;
  state[0] = k - below - inside.below; // ties left to prune, in (tensor, index) order
  for (let t = 0; t < sources.length; t++) {
    state[1] = tally.zeros[t];
    state[2] = tally.keyMin[t];
    state[3] = tally.keyMax[t];
    settleBracket(sources[t], dsts[t], positions, keys, starts[t], starts[t + 1], threshold, state);
    tally.zeros[t] = state[1];
    tally.keyMin[t] = state[2];
    tally.keyMax[t] = state[3];
  }
  return threshold;
}

/**
 * Everything else (a threshold among the tiniest magnitudes or at Infinity, NaNs in the way, masses of equal
 * weights): a full two-pass selection, then the writing pass. Returns the threshold key.
 */
function pruneWithTwoPasses(sources: Int32Array[], dsts: Int32Array[], tally: Tally, targetZeros: number, count: number): number {
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
  const state = new Int32Array(4); // [ties left, zeros written, min key, max key]
  state[0] = k - below; // weights with key === thresholdKey still to prune, in (tensor, index) order
  for (let t = 0; t < sources.length; t++) {
    if (thresholdKey === 0) copyNormalizingZeros(sources[t], dsts[t], state);
    else pruneBelow(sources[t], dsts[t], thresholdKey, state);
    tally.zeros[t] = state[1];
    tally.keyMin[t] = state[2];
    tally.keyMax[t] = state[3];
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
  return {
    values: r.values[0],
    zeros: r.zeros[0],
    targetZeros: r.targetZeros,
    count: r.count,
    threshold: r.threshold,
    range: r.ranges[0],
  };
}

function checkSparsity(sparsity: number): void {
  if (typeof sparsity !== 'number' || !(sparsity >= 0 && sparsity <= 1)) {
    throw new PareError('bad-options', `Sparsity must be a number from 0 to 1; got ${String(sparsity)}.`);
  }
}

primeKernel((s) => {
  pruneGlobal([s, s], 0.5); // one-pass path
  pruneGlobal([s], 0); // nothing to prune
  pruneGlobal([s.map(Math.sign)], 0.5); // masses of ties: two-pass path
});
