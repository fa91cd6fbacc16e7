/**
 * The fused scan + coding kernel (kernels.wat codeBracket) against a scalar reference built from the loops it
 * replaces: the codes of quantizePrunedAffine's scalar path for a tensor that keeps every weight, with the weights
 * below the bracket coded as 0.0; the keys inside the bracket and their indices in index order; the count below;
 * the zero codes. Lengths cover the groups of sixteen, their tails and the chunk boundary; values cover the
 * levels' half points, where the float32 coding hands a group to the exact path.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SCAN_SLACK } from '../prune/passes';
import { bitsOf } from '../prune/select';
import { affineParams } from '../quantize/params';
import { quantizePrunedAffine } from '../quantize/pruned-affine';
import { zeroLevels } from '../quantize/stored-zeros';
import { float32Coding, simdKernels, type EncodeParams } from './kernels';

const simd = simdKernels()!;

function gridOf(min: number, max: number, bits: number): EncodeParams {
  const p = affineParams(min, max, bits);
  const zero = zeroLevels(p.scale, p.min, 8);
  const z0 = Math.min(2 ** bits - 1, Math.max(0, Math.round((0 - p.min) / p.scale)));
  return { t: 0, scale: p.scale, min: p.min, max: p.max, qmax: 2 ** bits - 1, z0, zc: zero.indexOf(1) };
}

function reference(values: Float32Array, lo: number, width: number, p: EncodeParams, bits: number) {
  const kept = quantizePrunedAffine(values, { thresholdKey: 1, ties: 0, zeros: 0, range: { min: p.min, max: p.max } }, bits, 'direct')!;
  const codes = Uint8Array.from(kept.codes);
  const keys: number[] = [];
  const indices: number[] = [];
  let below = 0;
  bitsOf(values).forEach((b, i) => {
    const key = b & 0x7fffffff;
    if (key < lo) {
      below++;
      codes[i] = p.z0;
    } else if (key - lo <= width) {
      keys.push(key);
      indices.push(i);
    }
  });
  return { codes: [...codes], keys, indices, below, zeros: codes.filter((c) => c === p.zc).length };
}

function kernel(values: Float32Array, lo: number, width: number, p: EncodeParams, carried = 0) {
  const n = values.length;
  const codes = new Uint8Array(n);
  const keys = new Int32Array(carried + n + SCAN_SLACK);
  const indices = new Int32Array(carried + n + SCAN_SLACK);
  const state = Int32Array.of(carried, 7, 5);
  simd.codeBracket(bitsOf(values), lo, width, p, float32Coding(p)!, codes, keys, indices, SCAN_SLACK, state);
  return {
    codes: [...codes],
    keys: [...keys.subarray(carried, state[0])],
    indices: [...indices.subarray(carried, state[0])],
    below: state[1]! - 7,
    zeros: state[2]! - 5,
  };
}

describe('SIMD fused bracket scan and coding', () => {
  it('codes, collects and counts exactly as the scalar loops', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 8 }),
        fc.float({ min: Math.fround(-3), max: Math.fround(-0.01), noNaN: true }),
        fc.float({ min: Math.fround(0.01), max: Math.fround(3), noNaN: true }),
        // Uniform fractions (fast-check's doubles crowd the ends of their range).
        fc.array(fc.integer({ min: 0, max: 2 ** 20 }).map((i) => i / 2 ** 20), { maxLength: 200, size: 'max' }),
        fc.boolean(),
        fc.integer({ min: 0, max: 1000 }).map((i) => i / 1000),
        fc.integer({ min: 0, max: 500 }).map((i) => i / 1000),
        fc.integer({ min: 0, max: 9 }),
        (bits, min, max, us, halves, a, w, carried) => {
          const p = gridOf(min, max, bits);
          fc.pre(float32Coding(p) !== null && p.zc >= 0);
          // Values spread over the range, with zeros among them; exact half levels too, in some runs only (a group
          // holding one takes the exact path, and the fast path must be seen too).
          const values = Float32Array.from(us, (u, i) => (halves && i % 37 === 3 ? p.min + (Math.round(u * p.qmax) + 0.5) * p.scale : i % 11 === 5 ? -0 : min + u * (max - min)));
          const top = Math.max(-min, max);
          const lo = bitsOf(Float32Array.of(a * top))[0]!;
          const width = bitsOf(Float32Array.of(a * top + w * top))[0]! - lo;
          expect(kernel(values, lo, width, p, carried)).toEqual(reference(values, lo, width, p, bits));
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('carries its counts across chunks, and stops where the bracket holds more than the room', () => {
    let seed = 11;
    const rand = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    const big = Float32Array.from({ length: 2 * 65536 + 37 }, () => (rand() - 0.5) * 2);
    const p = gridOf(-1, 1, 8);
    const lo = bitsOf(Float32Array.of(0.4))[0]!;
    const width = bitsOf(Float32Array.of(0.42))[0]! - lo;
    const want = reference(big, lo, width, p, 8);
    expect(want.keys.length).toBeGreaterThan(2000);
    expect(kernel(big, lo, width, p)).toEqual(want);
    const state = Int32Array.of(0, 0, 0);
    const room = 1000;
    simd.codeBracket(bitsOf(big), lo, width, p, float32Coding(p)!, new Uint8Array(big.length), new Int32Array(room + SCAN_SLACK), new Int32Array(room + SCAN_SLACK), SCAN_SLACK, state);
    expect(state[0]).toBe(room + 1);
  });
});
