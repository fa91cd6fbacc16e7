/**
 * The global magnitude selection and the affine coding of the pruned tensors in one pass over the weights, for
 * `pare optimize --sparsity s --quantize uint8`: the same codes as the selection followed by quantizePrunedAffine
 * for each tensor (which itself equals pruning, then quantizeAffine), with one read of the weights instead of two.
 *
 * Why it can work in one pass: the selection brackets the threshold from a sample (prune/sampled-bracket.ts) before
 * it reads the weights, and a tensor's grid depends only on its pruned range, which is its source range whenever the
 * tensor has weights of both signs whose extremes lie above the bracket (pruning cannot touch those). Opening
 * measured that range (model/known-ranges.ts). So the pass codes each weight on the final grid as if pruned when it
 * lies below the bracket and kept otherwise, and notes the few inside the bracket (about 1%); once every tensor is
 * read and the threshold chosen among those, the ones it prunes are recoded as zero.
 *
 * A tensor this cannot code (no known range, an extreme that pruning might move, 9 bits or more, a grid whose
 * float32 coding is not provably exact, or no single code that decodes to zero) is only scanned, as selectGlobal
 * scans it, and stored later by the ordinary path. Where the bracket misses, the selection falls back to
 * selectGlobal and no code made here is used.
 */
import { SCAN_SLACK, scanBracket, sideRange } from '../prune/passes';
import { selectGlobal, selectInBracket, type BracketScan, type PruneSelection } from '../prune/magnitude';
import { magnitudeKey } from '../prune/pruned-range';
import { SAMPLE_FROM, SAMPLE_SIZE, sampledBracket } from '../prune/sampled-bracket';
import { bitsOf } from '../prune/select';
import { float32Coding, simdKernels, type EncodeParams, type Float32Coding } from '../simd/kernels';
import { knownRange } from '../model/known-ranges';
import { knownSample } from '../model/known-samples';
import { affineDtype, affineParams } from './params';
import { codeOf, onlyZeroCode, type PrunedAffine } from './pruned-affine';
import { zeroLevels } from './stored-zeros';

export interface CodedSelection {
  /** The selection, as selectGlobal makes it (the same weights, the same zeros, the same threshold). */
  selection: PruneSelection;
  /** Tensor t's codes, as quantizePrunedAffine(tensors[t], selection.plan(t), bits[t]) makes them, or null. */
  coded: (PrunedAffine | null)[];
}

/** A tensor the pass codes: its source range, its grid, the kernel's constants, and where its codes go. */
interface Coding {
  range: { min: number; max: number };
  p: EncodeParams;
  f32: Float32Coding;
  bits: number;
  codes: Uint8Array;
}

/**
 * selectGlobal(tensors, sparsity), with tensor t also coded at bits[t] (2..8; null: not coded) where the pass can
 * (see the module comment). Null when it would not pay or cannot run here (fewer weights than a sample is taken
 * for, nothing to prune, no WebAssembly SIMD): the caller then uses selectGlobal.
 *
 * @example
 *   const r = selectAndCode([k1, k2], 0.5, [8, 8]);
 *   const codes = r?.coded[0]?.codes; // quantizePrunedAffine(k1, r.selection.plan(0), 8).codes
 */
export function selectAndCode(
  tensors: readonly Float32Array[],
  sparsity: number,
  bits: readonly (number | null)[],
  /** As selectGlobal's: from how many weights, and how large a sample (tests lower them). */
  sampling: { from: number; size: number } = { from: SAMPLE_FROM, size: SAMPLE_SIZE },
): CodedSelection | null {
  const simd = simdKernels();
  const count = tensors.reduce((n, t) => n + t.length, 0);
  const k = Math.round(sparsity * count);
  if (!simd || count < sampling.from || !(k > 0 && k < count)) return null;
  const sources = tensors.map(bitsOf);
  const bracket = sampledBracket(sources, k, count, sampling.size, tensors.map(knownSample));
  if (!bracket) return null;
  const width = bracket.hi - bracket.lo;
  const codings = tensors.map((t, i) => codingOf(t, bits[i] ?? null, bracket.hi));
  if (!codings.some(Boolean)) return null;

  const keys = new Int32Array(bracket.capacity + SCAN_SLACK);
  const indices = new Int32Array(bracket.capacity + SCAN_SLACK);
  const scan: BracketScan = { lo: bracket.lo, width, keys, starts: [], below: [], sides: [] };
  const stored: number[] = [];
  const state = new Int32Array(4);
  for (let t = 0; t < tensors.length; t++) {
    const c = codings[t];
    scan.starts.push(state[0]!);
    state[1] = 0;
    state[2] = 0;
    if (c) {
      simd.codeBracket(sources[t]!, bracket.lo, width, c.p, c.f32, c.codes, keys, indices, SCAN_SLACK, state);
      scan.sides.push(c.range);
      stored.push(state[2]!);
    } else {
      scanBracket(sources[t]!, bracket.lo, width, keys, state);
      scan.sides.push(sideRange(state[2]!, state[3]!));
      stored.push(0);
    }
    if (state[0]! > bracket.capacity) return withoutCodes(tensors, sparsity, sampling);
    scan.below.push(state[1]!);
  }
  scan.starts.push(state[0]!);
  const selected = selectInBracket(sources, k, scan);
  if (!selected) return withoutCodes(tensors, sparsity, sampling);
  const selection: PruneSelection = { ...selected, targetZeros: k, count, found: 'sample' };
  // Threshold 0 (only zeros pruned): the ordinary path's rule for -0 differs; rare, so left to it.
  if (selected.thresholdKey === 0) return { selection, coded: tensors.map(() => null) };
  const coded = codings.map((c, t) => {
    if (!c) return null;
    const zerosStored = stored[t]! + recodePruned(c, keys, indices, scan.starts[t]!, scan.starts[t + 1]!, selected.thresholdKey, selected.ties[t]!);
    return { codes: c.codes, scale: c.p.scale, min: c.p.min, dtype: affineDtype(c.bits), bits: c.bits, zerosBefore: selected.zeros[t]!, zerosStored };
  });
  return { selection, coded };
}

/** The bracket missed or overflowed: the exact selection by the usual route, with nothing coded. */
function withoutCodes(tensors: readonly Float32Array[], sparsity: number, sampling: { from: number; size: number }): CodedSelection {
  return { selection: selectGlobal(tensors, sparsity, sampling), coded: tensors.map(() => null) };
}

/**
 * How the pass codes tensor t, or null when it only scans it. The grid is quantizePrunedAffine's for the pruned
 * range, which is the source range here: both signs present, and both extremes above the bracket's top key.
 */
function codingOf(values: Float32Array, bits: number | null, bracketTop: number): Coding | null {
  if (bits === null || bits < 2 || bits > 8) return null;
  const range = knownRange(values);
  if (!range || !(range.min < 0 && range.max > 0)) return null;
  if (magnitudeKey(range.min) <= bracketTop || magnitudeKey(range.max) <= bracketTop) return null;
  const params = affineParams(range.min + 0, range.max + 0, bits);
  const z0 = codeOf(0, params);
  // The kernel counts one zero code, a byte; pruned weights take z0, which must decode to exactly zero.
  if (onlyZeroCode(zeroLevels(params.scale, params.min, 8)) !== z0) return null;
  const p: EncodeParams = { t: 0, scale: params.scale, min: params.min, max: params.max, qmax: 2 ** bits - 1, z0, zc: z0 };
  const f32 = float32Coding(p);
  return f32 && { range, p, f32, bits, codes: new Uint8Array(values.length) };
}

/**
 * Codes as zero the weights inside the bracket that the threshold prunes: keys below it, and the first `ties` equal
 * to it in index order (the kernel appended them in that order). Returns how many codes became the zero code.
 */
function recodePruned(c: Coding, keys: Int32Array, indices: Int32Array, from: number, to: number, threshold: number, ties: number): number {
  const { codes } = c;
  const z0 = c.p.z0;
  let added = 0;
  // Without a branch on the key: about half the keys inside the bracket lie below the threshold, in no order a
  // branch predictor could learn, so a branch would miss on every other key.
  for (let j = from; j < to; j++) {
    const below = (keys[j]! - threshold) >> 31; // -1 below the threshold, else 0 (keys are non-negative int32)
    const i = indices[j]!;
    const old = codes[i]!;
    const now = (old & ~below) | (z0 & below);
    added += ((old ^ now) + 255) >> 8; // 1 when the code changed (codes are bytes)
    codes[i] = now;
  }
  for (let j = from, left = ties; left > 0 && j < to; j++) {
    if (keys[j] !== threshold) continue;
    left--;
    const i = indices[j]!;
    if (codes[i] !== z0) added++;
    codes[i] = z0;
  }
  return added;
}
