/**
 * The SIMD kernels against their scalar twins. The bracket scan against prune/passes.ts scanBracketScalar: the same
 * keys in the same order, the same count below, the same maxima, the same early stop when the bracket overflows;
 * the NaN and Infinity count against the exponent test. Lengths cover the lane tails and the chunk boundary. The
 * coding kernel is held to the scalar loops by quantize/pruned-affine.test.ts, which runs every coding path on the
 * same random tensors.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SCAN_SLACK, scanBracketScalar } from '../prune/passes';
import { bitsOf, kthSmallestKey } from '../prune/select';
import { affineParams } from '../quantize/params';
import { quantizePrunedAffine } from '../quantize/pruned-affine';
import { float32Coding, simdKernels } from './kernels';
import { samplePosition, sampleCount, takeSample } from '../model/known-samples';

const simd = simdKernels();

function scanBoth(src: Float32Array, lo: number, width: number, capacity: number, carried: [number, number]) {
  const run = (scan: (keys: Int32Array, state: Int32Array) => void) => {
    const keys = new Int32Array(capacity + SCAN_SLACK);
    const state = Int32Array.of(...carried, 0, 0);
    scan(keys, state);
    // Past the capacity the scan has stopped early: what the keys hold then is no one's business.
    const overflowed = state[0]! > capacity;
    return { state: overflowed ? [state[0]] : [...state], keys: overflowed ? [] : [...keys.subarray(carried[0], state[0])] };
  };
  const want = run((keys, state) => scanBracketScalar(bitsOf(src), lo, width, keys, state));
  const got = run((keys, state) => simd!.scanBracket(bitsOf(src), lo, width, keys, SCAN_SLACK, state));
  return { want, got };
}

const weight = fc.oneof(
  fc.float({ noNaN: false, min: -8, max: 8 }),
  fc.constantFrom(0, -0, 0.5, -0.5, Infinity, -Infinity, NaN, 3e-39, -1e-45),
);

describe('SIMD kernels', () => {
  it('load here (Node 20 runs WebAssembly SIMD)', () => {
    expect(simd).not.toBeNull();
  });

  it('scan a bracket exactly as the scalar loop', () => {
    fc.assert(
      fc.property(
        fc.array(weight, { maxLength: 70 }),
        fc.integer({ min: 0, max: 0x7f800000 }),
        fc.integer({ min: 0, max: 0x7fffffff }),
        fc.integer({ min: 0, max: 80 }),
        fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 1000 })),
        (values, lo, width, capacity, carried) => {
          const { want, got } = scanBoth(Float32Array.from(values), lo, Math.min(width, 0x7fffffff - lo), Math.max(capacity, carried[0]), carried);
          expect(got).toEqual(want);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('scan across chunks, and stop where the bracket holds more than the capacity', () => {
    let seed = 3;
    const rand = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    const big = Float32Array.from({ length: 3 * 65536 + 7 }, () => (rand() - 0.5) * 2);
    const lo = bitsOf(Float32Array.of(0.3))[0]!;
    const width = bitsOf(Float32Array.of(0.31))[0]! - lo;
    const roomy = scanBoth(big, lo, width, 20000, [0, 0]);
    expect(roomy.got).toEqual(roomy.want);
    expect(roomy.want.state[0]).toBeGreaterThan(1500); // about 1% of the weights fall inside
    const tight = scanBoth(big, lo, width, 1000, [0, 0]);
    expect(tight.want.state[0]).toBe(1001);
    expect(tight.got.state[0]).toBe(1001);
  });
});

describe('SIMD threshold among the keys inside the bracket', () => {
  /** keys[from..to) below t, equal to t and zero, by a direct count. */
  const counted = (keys: Int32Array, from: number, to: number, t: number) => {
    const part = [...keys.subarray(from, to)];
    return [part.filter((k) => k < t).length, part.filter((k) => k === t).length, part.filter((k) => k === 0).length];
  };

  it('selects the k-th smallest key and counts each side as kthSmallestKey and a direct count, at any bracket width', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0x7f000000 }),
        // Narrow brackets take one digit, wide ones two; 0 and 2^16 - 1 / 2^16 are the edges between them.
        fc.oneof(fc.constantFrom(0, 1, 65535, 65536, 0x7fffffff), fc.integer({ min: 0, max: 0x7fffffff })),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 300 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (lo, w, at, rank) => {
          const width = Math.min(w, 0x7fffffff - lo);
          // Repeated keys (ties) come from the same position drawn twice, and from narrow brackets.
          const keys = Int32Array.from(at, (a) => lo + Math.floor(a * width));
          const k = 1 + Math.floor(rank * (keys.length - 1));
          expect(simd!.kthInBracket(keys, k, lo, width)).toEqual(kthSmallestKey([keys], k, 'magnitude'));
          const counts = new Int32Array(3);
          const t = keys[Math.floor(rank * (keys.length - 1))]!;
          const from = Math.floor(keys.length / 3);
          simd!.countKeys(keys, from, keys.length, t, counts);
          expect([...counts]).toEqual(counted(keys, from, keys.length, t));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('across chunks, with zeros among the keys, and refuses a rank outside them', () => {
    let seed = 11;
    const rand = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    const lo = 0;
    const width = 0x3f000000;
    const keys = Int32Array.from({ length: 2 * 65536 + 999 }, (_, i) => (i % 97 === 0 ? 0 : Math.floor(rand() * width)));
    for (const k of [1, 1500, 65536, 65537, keys.length]) {
      expect(simd!.kthInBracket(keys, k, lo, width), `k ${k}`).toEqual(kthSmallestKey([keys], k, 'magnitude'));
    }
    const counts = new Int32Array(3);
    const t = kthSmallestKey([keys], 70000, 'magnitude').key;
    simd!.countKeys(keys, 100, keys.length - 5, t, counts);
    expect([...counts]).toEqual(counted(keys, 100, keys.length - 5, t));
    expect(counts[2]).toBeGreaterThan(1000);
    expect(() => simd!.kthInBracket(keys, keys.length + 1, lo, width)).toThrow(/outside/);
  });
});

describe('SIMD NaN and Infinity count', () => {
  it('counts exactly as the exponent test, at any byte offset and across chunks', () => {
    fc.assert(
      fc.property(fc.array(weight, { maxLength: 70 }), fc.integer({ min: 0, max: 3 }), (values, offset) => {
        const bytes = new Uint8Array(values.length * 4 + offset + 3);
        bytes.set(new Uint8Array(Float32Array.from(values).buffer), offset);
        const want = values.filter((v) => !Number.isFinite(Math.fround(v))).length;
        expect(simd!.countNonFinite(bytes.subarray(offset, offset + values.length * 4))).toBe(want);
        // A partial trailing value counts for nothing.
        expect(simd!.countNonFinite(bytes.subarray(offset, offset + values.length * 4 + 3))).toBe(want);
      }),
      { numRuns: 1000 },
    );
    const big = new Float32Array(2 * 65536 + 5).fill(0.5);
    [0, 65535, 65536, 65537, 2 * 65536 + 4].forEach((i, j) => (big[i] = [NaN, Infinity, -Infinity, NaN, Infinity][j]!));
    expect(simd!.countNonFinite(new Uint8Array(big.buffer))).toBe(5);
  });

  it("takes the selection's sample on the same pass: the keys takeSample reads, across chunks, at any stride", () => {
    const values = Float32Array.from({ length: 3 * 65536 + 77 }, (_, i) => Math.sin(i * 12.9898) * (i % 3 ? 1 : -4));
    values[5] = NaN;
    values[70000] = -Infinity;
    // 1 and 381 (a 25M model's stride), one near the kernel's limit, and 70,000, past it (the scalar loop).
    for (const every of [1, 7, 381, 65535, 70000]) {
      const keys = new Int32Array(sampleCount(values.length, every));
      expect(simd!.countNonFinite(new Uint8Array(values.buffer), undefined, { every, keys })).toBe(2);
      expect([...keys], `every ${every}`).toEqual([...takeSample(bitsOf(values), every)]);
    }
    // The positions stay inside their strides, in order, and reach the array's end.
    for (const every of [1, 7, 381, 65535, 70000]) {
      for (let j = 0; j < 2000; j++) {
        const at = samplePosition(j, every);
        expect(at >= j * every && at < (j + 1) * every, `every ${every}, stride ${j}`).toBe(true);
      }
    }
    expect(sampleCount(1000, 7)).toBe(Math.floor(1000 / 7) + (samplePosition(142, 7) < 1000 ? 1 : 0));
  });
});

describe('SIMD coding in float32 lanes', () => {
  /** The float32 `steps` representable values above v (below, when negative). */
  const up = (v: number, steps: number) => {
    if (v === 0) return Math.fround(steps * 2 ** -149);
    const b = new Float32Array([v]);
    const i = new Int32Array(b.buffer);
    i[0]! += (v > 0) === steps > 0 ? Math.abs(steps) : -Math.abs(steps);
    return b[0]!;
  };

  it('gives the scalar codes at, and a few float32 steps around, every half level and every level', () => {
    for (const [lo, hi, bits] of [[-1, 1, 8], [-0.3, 0.7, 4], [0.5, 2, 8], [-2, -0.1, 3], [-1e-3, 5e-4, 8]] as const) {
      const p = affineParams(lo, hi, bits);
      const qmax = 2 ** bits - 1;
      expect(float32Coding({ min: p.min, scale: p.scale, qmax }), `${lo}..${hi} at ${bits} bits`).not.toBeNull();
      const values: number[] = [];
      for (let k = -1; k <= qmax + 1; k++) {
        for (const at of [k, k + 0.5]) {
          const v = Math.fround(p.min + at * p.scale);
          for (let d = -3; d <= 3; d++) values.push(up(v, d));
        }
      }
      const tensor = Float32Array.from(values);
      const plan = { thresholdKey: 1, ties: 0, zeros: 0, range: { min: lo, max: hi } };
      const want = quantizePrunedAffine(tensor, plan, bits, 'direct')!;
      const got = quantizePrunedAffine(tensor, plan, bits, 'simd')!;
      expect(Buffer.from(got.codes.buffer).equals(Buffer.from(want.codes.buffer)), `${lo}..${hi} at ${bits} bits`).toBe(true);
      expect(got.zerosStored).toBe(want.zerosStored);
    }
  });

  it('is used only where its error bound is small: not for 16-bit codes, nor far from zero', () => {
    const grid = (lo: number, hi: number, bits: number) => ({ ...affineParams(lo, hi, bits), qmax: 2 ** bits - 1 });
    expect(float32Coding(grid(-0.2, 0.3, 8))?.limit).toBeGreaterThan(0.499);
    expect(float32Coding(grid(-0.2, 0.3, 16))).toBeNull();
    expect(float32Coding(grid(1000, 1000.5, 8))).toBeNull(); // |min| / scale = 510,000: E = 0.03
  });
});
