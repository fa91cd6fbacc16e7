/**
 * Unstructured magnitude pruning with an exact target: over n weights in scope, sparsity s leaves exactly
 * round(s * n) zeros, counting the zeros that were already there.
 *
 * Order of pruning. Weights are ranked by |w| and, among equal |w|, by (tensor position in the input list, index in
 * the tensor): the lower (tensor, index) is pruned first. The first round(s * n) weights in that order become zero
 * (round as Math.round: halves up). The threshold comes from a radix select on the float bits (see select.ts), not
 * from sorting: a bracket of magnitudes known to hold it (from a sample of the weights for a million and more, see
 * sampled-bracket.ts; else the radix select's first pass, a histogram of the high 16 bits), then one reading pass
 * that collects the few weights inside the bracket, among which the selection finishes. Then each tensor is written
 * in one pass, when asked for (`selectGlobal`), so a caller need not hold every pruned tensor at once; or not at
 * all: the selection's `plan` lets quantization prune as it codes (quantize/pruned-affine.ts).
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
import { knownSample } from '../model/known-samples';
import { copyNormalizingZeros, countNaN, pruneBelow, rangeFromKeys, SCAN_SLACK, scanBracket, sideRange } from './passes';
import { prunedRange } from './pruned-range';
import { SAMPLE_FROM, SAMPLE_SIZE, sampledBracket } from './sampled-bracket';
import { bitsOf, firstDigitOfKth, kthSmallestKey, primeKernel, valueOfKey, type Bracket } from './select';
import { SIMD_FROM, simdKernels } from '../simd/kernels';

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

/** One tensor's pruned values, as {@link PruneSelection.write} makes them. */
export interface PrunedTensor {
  values: Float32Array;
  zeros: number;
  range: { min: number; max: number } | null;
}

/**
 * What pruning does to one tensor, as numbers: enough for a kernel that reads the source weights and prunes as it
 * goes (quantize/pruned-affine.ts) to produce exactly what {@link PruneSelection.write} would, without writing it.
 */
export interface TensorPrunePlan {
  /** Weights whose magnitude key (float32 bits & 0x7fffffff) is below this become +0; never 0 here. */
  thresholdKey: number;
  /** ...and the first `ties` weights (in index order) whose key equals it. */
  ties: number;
  /** Zeros the pruned tensor has, pre-existing zeros included. */
  zeros: number;
  /** The min and max of the pruned tensor (zeros included), or null when that needs a pass of its own (see pruned-range.ts). */
  range: { min: number; max: number } | null;
}

/**
 * The outcome of a global magnitude selection before any pruned array exists: which weights go is fixed, and each
 * tensor's pruned values are written when asked for. A caller that consumes tensors one at a time (storage, which
 * lets each go once stored) then never holds a pruned copy of every tensor at once.
 */
export interface PruneSelection {
  /** Zeros each tensor will have, pre-existing zeros included. */
  zeros: number[];
  totalZeros: number;
  targetZeros: number;
  count: number;
  /** As {@link PruneResult.threshold}. */
  threshold: number;
  /** How the threshold was found (for tests and benchmarks: the result is the same either way). */
  found: 'sample' | 'histogram' | 'two passes';
  /**
   * Tensor t's pruned values, asked for in any order of t (the inputs must not change meanwhile). Usually made on
   * each call; on the rare two-pass path every tensor was written at once and the same array is handed out.
   */
  write(t: number): PrunedTensor;
  /**
   * Tensor t's pruning as numbers, or null when this selection cannot say it cheaply: the rare two-pass path, a
   * threshold of 0 (only zeros pruned), or a tensor holding NaN or ±Infinity.
   */
  plan(t: number): TensorPrunePlan | null;
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
  const selection = selectGlobal(tensors, sparsity);
  const written = tensors.map((_, t) => selection.write(t));
  const { zeros, totalZeros, targetZeros, count, threshold } = selection;
  return { values: written.map((w) => w.values), zeros, totalZeros, targetZeros, count, threshold, ranges: written.map((w) => w.range) };
}

/**
 * The selection of {@link pruneGlobal} (the same weights, the same bits), with each tensor written on demand.
 *
 * @example
 *   const sel = selectGlobal([kernel1, kernel2], 0.5);
 *   const second = sel.write(1).values; // kernel1's pruned copy is not made until asked for
 */
export function selectGlobal(
  tensors: readonly Float32Array[],
  sparsity: number,
  /** From how many weights a sample brackets the threshold, and its size (sampled-bracket.ts); tests lower them. */
  sampling: { from: number; size: number } = { from: SAMPLE_FROM, size: SAMPLE_SIZE },
): PruneSelection {
  checkSparsity(sparsity);
  const sources = tensors.map(bitsOf);
  let count = 0;
  for (const t of tensors) count += t.length;
  const targetZeros = Math.round(sparsity * count);
  if (targetZeros > 0) {
    // A sampled bracket spares the histogram's pass over every weight; if the sample misled it, the histogram runs.
    const sampled = count >= sampling.from ? sampledBracket(sources, targetZeros, count, sampling.size, tensors.map(knownSample)) : null;
    const fromSample = sampled && selectAroundBracket(sources, targetZeros, sampled);
    if (fromSample) return { ...fromSample, targetZeros, count, found: 'sample' };
    const first = firstDigitOfKth(sources, targetZeros, 'magnitude');
    if (first.bucket < INFINITY_BUCKET && first.inBucket <= count / 8) {
      const lo = first.bucket << 16;
      const selected = selectAroundBracket(sources, targetZeros, { lo, hi: lo | 0xffff, capacity: first.inBucket });
      if (selected) return { ...selected, targetZeros, count, found: 'histogram' };
    }
  }
  return { ...selectWithTwoPasses(sources, targetZeros, count), targetZeros, count, found: 'two passes' };
}

type Selected = Omit<PruneSelection, 'targetZeros' | 'count' | 'found'>;

/**
 * Writes a tensor pruned below the threshold key, with up to `ties` of the weights at it (or, at threshold 0, only
 * its zeros, written as +0); also returns how many ties were left unused.
 */
function writeBelow(src: Int32Array, thresholdKey: number, ties: number): PrunedTensor & { tiesLeft: number } {
  const values = new Float32Array(src.length);
  const state = new Int32Array(4); // [ties left, zeros written, min key, max key]
  state[0] = ties;
  if (thresholdKey === 0) copyNormalizingZeros(src, bitsOf(values), state);
  else pruneBelow(src, bitsOf(values), thresholdKey, state);
  return { values, zeros: state[1], range: rangeFromKeys(state[2], state[3]), tiesLeft: state[0] };
}

/**
 * The common case: a bracket of magnitude keys that holds the k-th (from a sample, or the histogram's first digit)
 * and few weights. One reading pass counts the keys below the bracket and collects the keys inside it, measuring
 * each tensor's range on the way; the threshold is then selected among those few (replacing the second radix pass
 * over all weights), and the ties at it are shared out in (tensor, index) order. Null if the bracket held more than
 * `capacity` weights or missed the k-th (a misleading sample; not expected from an exact first digit): the caller
 * then falls back.
 */
function selectAroundBracket(sources: Int32Array[], k: number, bracket: Bracket): Selected | null {
  const found = new Int32Array(bracket.capacity + SCAN_SLACK);
  const scan: BracketScan = { lo: bracket.lo, width: bracket.hi - bracket.lo, keys: found, starts: [], below: [], sides: [] };
  const state = new Int32Array(4); // [keys found, keys below the bracket in the current tensor, max bits, max flipped]
  for (let t = 0; t < sources.length; t++) {
    scan.starts.push(state[0]);
    state[1] = 0;
    scanBracket(sources[t], bracket.lo, bracket.hi - bracket.lo, found, state);
    if (state[0] > bracket.capacity) return null;
    scan.below.push(state[1]);
    scan.sides.push(sideRange(state[2], state[3]));
  }
  scan.starts.push(state[0]);
  return selectInBracket(sources, k, scan);
}

/**
 * What a reading pass against a bracket found, tensor by tensor: {@link selectAroundBracket}'s scan, or one that
 * codes the weights as it reads them (quantize/coded-selection.ts).
 */
export interface BracketScan {
  /** The bracket scanned: every key in `keys` lies in [lo, lo + width]. */
  lo: number;
  width: number;
  /** The keys inside the bracket, tensor after tensor, each tensor's in index order (may run past the last). */
  keys: Int32Array;
  /** Where each tensor's keys begin in `keys`, and where the last one's end. */
  starts: number[];
  /** Each tensor's keys below the bracket. */
  below: number[];
  /** Each tensor's min and max by sign (passes.ts sideRange), or null where it holds NaN or ±Infinity. */
  sides: ({ min: number | null; max: number | null } | null)[];
}

/** A selection finished among the keys inside a bracket, with the threshold as a key and each tensor's tie quota. */
export type BracketSelection = Selected & { thresholdKey: number; ties: number[] };

/**
 * The selection's end once every tensor was read against the bracket: the threshold chosen among the keys inside,
 * the ties at it shared out in (tensor, index) order, and each tensor's zeros. Null when the k-th smallest key is
 * not inside the bracket.
 */
export function selectInBracket(sources: readonly Int32Array[], k: number, scan: BracketScan): BracketSelection | null {
  const { starts, sides } = scan;
  const below = scan.below.reduce((a, b) => a + b, 0);
  const inBracket = starts[starts.length - 1]!;
  if (!(below < k && k <= below + inBracket)) return null;
  const keys = scan.keys.subarray(0, inBracket);
  // Run once per command over about 1% of the weights, these loops stayed cold in JavaScript (14-21 ms at 25M
  // weights in a fresh process); WebAssembly runs them compiled from the first call (2-4 ms).
  const simd = inBracket >= SIMD_FROM ? simdKernels() : null;
  const inside = simd ? simd.kthInBracket(keys, k - below, scan.lo, scan.width) : kthSmallestKey([keys], k - below, 'magnitude');
  const threshold = inside.key;
  let tiesLeft = k - below - inside.below;
  const ties: number[] = [];
  const zeros: number[] = [];
  const counts = new Int32Array(3);
  for (let t = 0; t < sources.length; t++) {
    if (simd) simd.countKeys(keys, starts[t]!, starts[t + 1]!, threshold, counts);
    else countKeys(keys, starts[t]!, starts[t + 1]!, threshold, counts);
    const [smaller, equal, exactZeros] = counts as unknown as [number, number, number];
    const share = Math.min(tiesLeft, equal);
    tiesLeft -= share;
    ties.push(share);
    // At threshold 0 every zero stays a zero, beyond the target too (the module comment's rule).
    zeros.push(scan.below[t]! + (threshold === 0 ? exactZeros : smaller + share));
  }
  return {
    zeros,
    totalZeros: zeros.reduce((a, b) => a + b, 0),
    threshold: valueOfKey(threshold, 'magnitude'),
    thresholdKey: threshold,
    ties,
    write: (t) => {
      const { values, zeros, range } = writeBelow(sources[t]!, threshold, ties[t]!);
      return { values, zeros, range };
    },
    plan: (t) => {
      // At threshold 0 the write normalises -0 to +0 whatever the quota: not what a plan says; rare enough to leave.
      if (threshold === 0) return null;
      const n = sources[t]!.length;
      const source = sides[t];
      if (!source || n === 0) return null; // NaN or ±Infinity, or nothing to store
      return { thresholdKey: threshold, ties: ties[t]!, zeros: zeros[t]!, range: prunedRange(source, threshold, zeros[t]!, n) };
    },
  };
}

/** How many of keys[from..to) are below t, equal to t and zero (the scalar twin of SimdKernels.countKeys). */
function countKeys(keys: Int32Array, from: number, to: number, t: number, counts: Int32Array): void {
  let smaller = 0;
  let equal = 0;
  let zeros = 0;
  // Counted without branches: inside the bracket, keys fall on either side of the threshold in no learnable order.
  for (let j = from; j < to; j++) {
    const key = keys[j]!;
    smaller += (key - t) >>> 31; // keys are non-negative int32
    equal += +(key === t);
    zeros += +(key === 0);
  }
  counts[0] = smaller;
  counts[1] = equal;
  counts[2] = zeros;
}

/**
 * Everything else (a threshold among the tiniest magnitudes or at Infinity, NaNs in the way, masses of equal
 * weights): a full two-pass selection, then every tensor written at once (this path is rare; its outputs are
 * kept and handed out by `write`).
 */
function selectWithTwoPasses(sources: Int32Array[], targetZeros: number, count: number): Selected {
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
  const written = sources.map((src) => {
    const { values, zeros, range, tiesLeft } = writeBelow(src, thresholdKey, ties);
    ties = tiesLeft;
    return { values, zeros, range };
  });
  const zeros = written.map((w) => w.zeros);
  return {
    zeros,
    totalZeros: zeros.reduce((a, b) => a + b, 0),
    threshold: valueOfKey(thresholdKey, 'magnitude'),
    write: (t) => written[t]!,
    plan: () => null,
  };
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
