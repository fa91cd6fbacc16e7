import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPareError } from '../errors';
import { pruneGlobal, pruneTensor, selectGlobal } from './magnitude';
import { noteSample, SAMPLE_SIZE, sampleCount, takeSample } from '../model/known-samples';
import { bitsOf } from './select';

/**
 * The sort-based reference the selection must agree with, bit for bit: rank every weight by (|w|, tensor, index)
 * with NaN last, zero the first min(round(s*n), non-NaN count), and write every zero as +0.
 */
function referencePrune(tensors: Float32Array[], sparsity: number): Float32Array[] {
  const all: { mag: number; t: number; i: number }[] = [];
  tensors.forEach((a, t) => a.forEach((v, i) => all.push({ mag: Number.isNaN(v) ? Infinity : Math.abs(v), t, i })));
  const isNaNAt = (e: { t: number; i: number }) => Number.isNaN(tensors[e.t][e.i]);
  all.sort((a, b) => {
    const na = isNaNAt(a) ? 1 : 0;
    const nb = isNaNAt(b) ? 1 : 0;
    return na - nb || a.mag - b.mag || a.t - b.t || a.i - b.i;
  });
  const nonNaN = all.filter((e) => !isNaNAt(e)).length;
  const k = Math.min(Math.round(sparsity * all.length), nonNaN);
  const out = tensors.map((a) => Float32Array.from(a, (v) => (v === 0 ? 0 : v)));
  for (let j = 0; j < k; j++) out[all[j].t][all[j].i] = 0;
  return out;
}

const bitsEqual = (a: Float32Array, b: Float32Array) =>
  a.length === b.length &&
  new Uint32Array(a.buffer, a.byteOffset, a.length).every((x, i) => x === new Uint32Array(b.buffer, b.byteOffset, b.length)[i]);

const weight = fc.oneof(
  { weight: 6, arbitrary: fc.float({ noNaN: true, min: -10, max: 10 }) },
  { weight: 2, arbitrary: fc.constantFrom(0, -0, 0.5, -0.5, 1, -1) }, // ties and pre-existing zeros
  { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity, 1e-45, -3e38) },
);
const tensorsArb = fc.array(fc.array(weight, { maxLength: 80 }).map((v) => Float32Array.from(v)), {
  minLength: 1,
  maxLength: 5,
});
const sparsityArb = fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(0, 0.25, 0.5, 0.9, 1));

/**
 * Seeded tensors of the given lengths: mostly distinct magnitudes (the one-pass bracket path), some exact repeats
 * across tensors (ties in the bucket), 5% zeros.
 */
function continuousTensors(seed: number, lengths: number[]): Float32Array[] {
  const rand = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const pool = Float32Array.from({ length: 500 }, () => rand() - 0.5);
  const gen = () => (rand() < 0.05 ? 0 : rand() < 0.2 ? pool[Math.floor(rand() * 500)] : (rand() - 0.5) * (rand() + 0.1));
  return lengths.map((n) => Float32Array.from({ length: n }, gen));
}

const countZeros = (a: Float32Array) => a.reduce((c, v) => c + (v === 0 ? 1 : 0), 0);
const countNaN = (a: Float32Array) => a.reduce((c, v) => c + (Number.isNaN(v) ? 1 : 0), 0);


/** Writes each tensor of `sel`, last to first, and checks each against the sort-based reference and its zero count. */
function expectWritesLastToFirst(sel: ReturnType<typeof selectGlobal>, ts: Float32Array[], s: number): void {
  const want = referencePrune(ts, s);
  for (let t = ts.length - 1; t >= 0; t--) {
    const w = sel.write(t);
    expect(bitsEqual(w.values, want[t])).toBe(true);
    expect(w.zeros).toBe(sel.zeros[t]);
  }
}
describe('pruneGlobal', () => {
  it('agrees bit for bit with the sort-based reference', () => {
    fc.assert(
      fc.property(tensorsArb, sparsityArb, (tensors, s) => {
        const got = pruneGlobal(tensors, s).values;
        const want = referencePrune(tensors, s);
        got.forEach((g, t) => expect(bitsEqual(g, want[t])).toBe(true));
      }),
      { numRuns: 400 },
    );
  });

  it('agrees with the reference on a large model with many ties', () => {
    let seed = 12345;
    const rand = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    // Values on a coarse grid, so that thousands of weights share the threshold magnitude.
    const tensors = [50000, 1, 22000, 777].map((n) => Float32Array.from({ length: n }, () => Math.round((rand() - 0.5) * 64) / 16));
    for (const s of [0.1, 0.5, 0.731, 0.99]) {
      const r = pruneGlobal(tensors, s);
      const want = referencePrune(tensors, s);
      r.values.forEach((g, t) => expect(bitsEqual(g, want[t])).toBe(true));
      expect(r.totalZeros).toBe(Math.round(s * r.count));
    }
  });

  it('agrees with the reference on a large model of continuous weights with repeats and zeros', () => {
    const tensors = continuousTensors(777, [30000, 17, 9000, 41000]);
    for (const s of [0.02, 0.3, 0.5, 0.8, 0.999]) {
      const r = pruneGlobal(tensors, s);
      const want = referencePrune(tensors, s);
      r.values.forEach((g, t) => expect(bitsEqual(g, want[t]), `s=${s} tensor ${t}`).toBe(true));
      const before = tensors.reduce((c, a) => c + countZeros(a), 0);
      expect(r.totalZeros).toBe(Math.max(before, Math.round(s * r.count)));
      r.values.forEach((g, t) => expect(r.zeros[t]).toBe(countZeros(g)));
    }
  });

  it('leaves exactly round(s*n) zeros, counting zeros already there, when enough values allow it', () => {
    fc.assert(
      fc.property(tensorsArb, sparsityArb, (tensors, s) => {
        const r = pruneGlobal(tensors, s);
        const n = r.count;
        const before = tensors.reduce((c, a) => c + countZeros(a), 0);
        const nan = tensors.reduce((c, a) => c + countNaN(a), 0);
        const target = Math.round(s * n);
        expect(r.targetZeros).toBe(target);
        const expected = Math.max(before, Math.min(target, n - nan));
        expect(r.totalZeros).toBe(expected);
        expect(r.values.reduce((c, a) => c + countZeros(a), 0)).toBe(expected);
        r.values.forEach((a, t) => expect(r.zeros[t]).toBe(countZeros(a)));
      }),
      { numRuns: 400 },
    );
  });

  it('removes only the smallest magnitudes: every kept |w| >= every pruned |w|, NaN never pruned', () => {
    fc.assert(
      fc.property(tensorsArb, sparsityArb, (tensors, s) => {
        const r = pruneGlobal(tensors, s);
        let maxPruned = 0;
        let minKept = Infinity;
        tensors.forEach((a, t) =>
          a.forEach((v, i) => {
            const out = r.values[t][i];
            if (Number.isNaN(v)) return expect(Number.isNaN(out)).toBe(true);
            if (out === 0) maxPruned = Math.max(maxPruned, Math.abs(v));
            else {
              expect(Object.is(out, v)).toBe(true); // kept weights are unchanged
              minKept = Math.min(minKept, Math.abs(v));
            }
          }),
        );
        expect(minKept).toBeGreaterThanOrEqual(maxPruned);
        expect(maxPruned).toBe(r.threshold);
      }),
      { numRuns: 300 },
    );
  });

  it('reports the min and max of each output, or null when it is empty or not finite', () => {
    fc.assert(
      fc.property(tensorsArb, sparsityArb, (tensors, s) => {
        const r = pruneGlobal(tensors, s);
        r.values.forEach((v, t) => {
          const finite = v.length > 0 && v.every(Number.isFinite);
          if (!finite) return expect(r.ranges[t]).toBeNull();
          let min = Infinity;
          let max = -Infinity;
          v.forEach((x) => {
            min = Math.min(min, x);
            max = Math.max(max, x);
          });
          expect(r.ranges[t]).toEqual({ min: min + 0, max: max + 0 });
        });
      }),
      { numRuns: 400 },
    );
  });

  it('is deterministic and never touches its inputs', () => {
    fc.assert(
      fc.property(tensorsArb, sparsityArb, (tensors, s) => {
        const copies = tensors.map((a) => a.slice());
        const a = pruneGlobal(tensors, s);
        const b = pruneGlobal(tensors, s);
        tensors.forEach((t, i) => expect(bitsEqual(t, copies[i])).toBe(true));
        a.values.forEach((v, i) => {
          expect(bitsEqual(v, b.values[i])).toBe(true);
          expect(v.buffer).not.toBe(tensors[i].buffer);
        });
      }),
      { numRuns: 200 },
    );
  });

  it('breaks ties by tensor order, then index: lower (tensor, index) is pruned first', () => {
    const r = pruneGlobal([Float32Array.of(1, -1, 1), Float32Array.of(1, 0.5, -1)], 3 / 6);
    expect(Array.from(r.values[0])).toEqual([0, 0, 1]);
    expect(Array.from(r.values[1])).toEqual([1, 0, -1]);
    expect(r.threshold).toBe(1);
  });

  it('handles -0 (a zero, written as +0), sparsity 0 and 1, and NaN', () => {
    const a = Float32Array.of(-0, 2, -3, NaN, 0, 1);
    const none = pruneGlobal([a], 0);
    expect(none.totalZeros).toBe(2);
    expect(Object.is(none.values[0][0], 0)).toBe(true);
    expect(none.threshold).toBe(0);
    const all = pruneGlobal([a], 1);
    expect(all.totalZeros).toBe(5); // the NaN stays
    expect(Number.isNaN(all.values[0][3])).toBe(true);
    expect(all.threshold).toBe(3);
    const allNaN = pruneGlobal([Float32Array.of(NaN, NaN)], 1);
    expect(allNaN.totalZeros).toBe(0);
    expect(pruneGlobal([new Float32Array(0)], 0.5).values[0].length).toBe(0);
  });

  it('rejects sparsities outside 0..1 with a PareError', () => {
    for (const s of [-0.1, 1.5, NaN, Infinity]) {
      try {
        pruneGlobal([Float32Array.of(1)], s);
        expect.unreachable();
      } catch (e) {
        expect(isPareError(e) && e.code === 'bad-options').toBe(true);
        expect((e as Error).message).toContain(String(s));
      }
    }
  });
});

describe('selectGlobal', () => {
  // The bracket path, where tensors are written on demand.
  const tensors = continuousTensors(4242, [20000, 5, 7000, 12000]);

  it('knows each tensor\'s zeros before writing it, and writes the bits pruneGlobal writes, in any order', () => {
    for (const s of [0.1, 0.5, 0.93]) {
      const sel = selectGlobal(tensors, s);
      expect(sel.write(0).values).not.toBe(sel.write(0).values); // the on-demand path, not the eager fallback
      const whole = pruneGlobal(tensors, s);
      const want = referencePrune(tensors, s);
      for (const t of [3, 1, 0, 2]) {
        const w = sel.write(t);
        expect(bitsEqual(w.values, want[t]), `s=${s} tensor ${t}`).toBe(true);
        expect(w.zeros).toBe(sel.zeros[t]);
        expect(countZeros(w.values)).toBe(sel.zeros[t]);
        expect(w.range).toEqual(whole.ranges[t]);
      }
      expect(sel.totalZeros).toBe(whole.totalZeros);
      expect(sel.threshold).toBe(whole.threshold);
    }
  });

  it('agrees with the reference on arbitrary tensors (either path), written last to first', () => {
    fc.assert(
      fc.property(tensorsArb, sparsityArb, (ts, s) => {
        const sel = selectGlobal(ts, s);
        expectWritesLastToFirst(sel, ts, s);
      }),
      { numRuns: 300 },
    );
  });
});

describe('selectGlobal with a sampled bracket', () => {
  // Models of a million weights and more bracket the threshold from a sample; lowered here to small tensors.
  const sampling = { from: 0, size: 64 };

  it('selects exactly what the histogram selects, and says it used the sample', () => {
    const tensors = continuousTensors(99, [30000, 17, 9000, 41000]);
    for (const s of [0.02, 0.3, 0.5, 0.8, 0.999]) {
      const sel = selectGlobal(tensors, s, { from: 0, size: 4096 });
      expect(sel.found, `s=${s}`).toBe('sample');
      const hist = selectGlobal(tensors, s);
      expect(hist.found).toBe('histogram');
      const want = referencePrune(tensors, s);
      expect(sel.zeros).toEqual(hist.zeros);
      expect(sel.threshold).toBe(hist.threshold);
      for (const t of [2, 0, 3, 1]) {
        expect(bitsEqual(sel.write(t).values, want[t]), `s=${s} tensor ${t}`).toBe(true);
        expect(sel.write(t).range).toEqual(hist.write(t).range);
      }
    }
  });

  it('brackets from the samples opening noted (model/known-samples.ts), and is exact even when they mislead', () => {
    const tensors = continuousTensors(7, [40000, 300, 30000]);
    const every = 2; // 35,150 sampled weights: enough for the noted path at the default size
    const noteAll = (keysOf: (t: Float32Array) => Int32Array) => [0, 2].forEach((t) => noteSample(tensors[t]!, { keys: keysOf(tensors[t]!), every }));
    const hist = selectGlobal(tensors, 0.4);
    const want = referencePrune(tensors, 0.4);
    // Misleading samples (every key the largest magnitude) put the bracket at the top: the selection misses it,
    // which shows it used them, and falls back to the histogram with the same result.
    noteAll((t) => new Int32Array(sampleCount(t.length, every)).fill(0x7f000000));
    const misled = selectGlobal(tensors, 0.4, { from: 0, size: SAMPLE_SIZE });
    expect(misled.found).toBe('histogram');
    noteAll((t) => takeSample(bitsOf(t), every));
    const sel = selectGlobal(tensors, 0.4, { from: 0, size: SAMPLE_SIZE });
    expect(sel.found).toBe('sample');
    for (const got of [misled, sel]) {
      expect(got.zeros).toEqual(hist.zeros);
      expect(got.threshold).toBe(hist.threshold);
      for (const t of [1, 2, 0]) expect(bitsEqual(got.write(t).values, want[t])).toBe(true);
    }
  });

  it('agrees with the reference on arbitrary tensors, however good the sample', () => {
    let sampled = 0;
    fc.assert(
      fc.property(tensorsArb, sparsityArb, fc.integer({ min: 1, max: 64 }), (ts, s, size) => {
        const sel = selectGlobal(ts, s, { ...sampling, size });
        if (sel.found === 'sample') sampled++;
        expectWritesLastToFirst(sel, ts, s);
      }),
      { numRuns: 300 },
    );
    expect(sampled).toBeGreaterThan(30); // the property exercised the sampled path, not only the fallbacks
  });
});

describe('pruneTensor', () => {
  it('prunes one tensor to its own exact target', () => {
    const w = Float32Array.from({ length: 1001 }, (_, i) => Math.sin(i * 12.9898) * 3);
    const r = pruneTensor(w, 0.3);
    expect(r.zeros).toBe(Math.round(0.3 * 1001));
    expect(r.values.reduce((c, v) => c + (v === 0 ? 1 : 0), 0)).toBe(r.zeros);
    expect(bitsEqual(r.values, referencePrune([w], 0.3)[0])).toBe(true);
  });
});
