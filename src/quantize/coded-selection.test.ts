/**
 * The one-pass selection and coding against the two passes it replaces: selectGlobal's selection (zeros,
 * threshold, written tensors) and, for each tensor it codes, quantizePrunedAffine's codes, scale, min and zero
 * counts for that selection's plan. Random tensors with ties at the threshold, zeros and values at half levels;
 * tensors it must leave to the ordinary path (no known range, one sign only, an extreme inside the bracket, 16 bits).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { selectGlobal } from '../prune';
import { noteRange } from '../model/known-ranges';
import { countNonFinite } from '../formats/decode-weights';
import { selectAndCode } from './coded-selection';
import { quantizePrunedAffine } from './pruned-affine';
import { simdKernels } from '../simd/kernels';

const SAMPLING = { from: 0, size: 64 };

/** Notes each tensor's range as opening does (countNonFinite's SIMD pass), or exactly for small ones. */
function opened(tensors: Float32Array[]): Float32Array[] {
  for (const t of tensors) {
    if (t.length >= 1024) countNonFinite(t, (r) => noteRange(t, r));
    else if (t.length) noteRange(t, { min: Math.min(...t) + 0, max: Math.max(...t) + 0 });
  }
  return tensors;
}

function expectSame(tensors: Float32Array[], sparsity: number, bits: (number | null)[], sampling = SAMPLING): number {
  const want = selectGlobal(tensors, sparsity, sampling);
  const got = selectAndCode(tensors, sparsity, bits, sampling);
  if (!got) return -1;
  expect(got.selection.zeros).toEqual(want.zeros);
  expect(got.selection.totalZeros).toBe(want.totalZeros);
  expect(Object.is(got.selection.threshold, want.threshold)).toBe(true);
  let coded = 0;
  tensors.forEach((source, t) => {
    expect(Buffer.from(got.selection.write(t).values.buffer).equals(Buffer.from(want.write(t).values.buffer)), `tensor ${t} written`).toBe(true);
    expect(got.selection.plan(t)).toEqual(want.plan(t));
    const c = got.coded[t];
    if (!c) return;
    coded++;
    const plan = want.plan(t);
    expect(plan, `tensor ${t} coded without a plan`).not.toBeNull();
    const ref = quantizePrunedAffine(source, plan!, bits[t]!, 'direct')!;
    const where = `tensor ${t}, ${bits[t]} bits`;
    expect(Object.is(c.scale, ref.scale), where).toBe(true);
    expect(Object.is(c.min, ref.min), where).toBe(true);
    expect(c.dtype).toBe(ref.dtype);
    expect(Buffer.from(c.codes.buffer).equals(Buffer.from(ref.codes.buffer)), where).toBe(true);
    expect([c.zerosBefore, c.zerosStored], where).toEqual([ref.zerosBefore, ref.zerosStored]);
  });
  return coded;
}

const seeded = (seed: number) => () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);

describe('selectAndCode', () => {
  it('runs here (WebAssembly SIMD)', () => expect(simdKernels()).not.toBeNull());

  it('selects and codes exactly as selectGlobal then quantizePrunedAffine, on random tensors', () => {
    let coded = 0;
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.integer({ min: 0, max: 3000 }), fc.constantFrom(1, 0.5, 0.01), fc.constantFrom('smooth', 'ties', 'halves')),
          { minLength: 1, maxLength: 5 },
        ),
        fc.integer({ min: 1, max: 99 }).map((p) => p / 100),
        fc.array(fc.constantFrom(2, 4, 8, 8, 8, null, 16), { minLength: 5, maxLength: 5 }),
        fc.integer(),
        (specs, sparsity, bits, seed) => {
          const rand = seeded(seed);
          const tensors = opened(
            specs.map(([n, scale, kind]) =>
              Float32Array.from({ length: n }, () => {
                const u = rand() * 2 - 1;
                if (kind === 'ties') return Math.round(u * 8) / 8 * scale; // many equal magnitudes
                if (kind === 'halves') return (Math.round(u * 127) + 0.5) / 127 * scale; // near half levels of 8 bits
                return u * scale;
              }),
            ),
          );
          const n = expectSame(tensors, sparsity, bits);
          if (n > 0) coded += n;
        },
      ),
      { numRuns: 300 },
    );
    expect(coded).toBeGreaterThan(200); // the property saw the coded path, not only the fallbacks
  });

  it('leaves to the ordinary path what it cannot code: no range, one sign, an extreme in the bracket, 16 bits', () => {
    const rand = seeded(7);
    const mixed = () => Float32Array.from({ length: 5000 }, () => rand() * 2 - 1);
    const noRange = mixed();
    const positive = opened([Float32Array.from({ length: 5000 }, () => rand())])[0]!;
    const smallMax = opened([Float32Array.from({ length: 5000 }, (_, i) => (i === 0 ? 1e-6 : -rand()))])[0]!; // max inside the bracket
    const [a, b] = opened([mixed(), mixed()]);
    const tensors = [a!, noRange, positive, smallMax, b!];
    const got = selectAndCode(tensors, 0.5, [8, 8, 8, 8, 16], SAMPLING)!;
    expect(got.coded.map((c) => c !== null)).toEqual([true, false, false, false, false]);
    expect(expectSame(tensors, 0.5, [8, 8, 8, 8, 16])).toBe(1);
  });

  it('gives way to selectGlobal where it would not pay', () => {
    const t = opened([Float32Array.from({ length: 4000 }, (_, i) => Math.sin(i))]);
    expect(selectAndCode(t, 0.5, [8])).toBeNull(); // fewer weights than a sample is taken for
    expect(selectAndCode(t, 0, [8], SAMPLING)).toBeNull(); // nothing to prune
    expect(selectAndCode(t, 0.5, [null], SAMPLING)).toBeNull(); // nothing to code
  });

  it('codes a large model in one pass as the two passes do', () => {
    const rand = seeded(99);
    const tensors = opened([1_500_000, 700_000, 65_536 + 3].map((n) => Float32Array.from({ length: n }, () => (rand() + rand() + rand() - 1.5) * 0.1)));
    expect(expectSame(tensors, 0.6, [8, 8, 4], { from: 1 << 20, size: 65536 })).toBe(3);
  });
});
