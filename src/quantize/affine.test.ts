import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pruneGlobal } from '../prune/magnitude';
import { quantizeAffine } from './affine';
import { affineParams, dequantizeAffine, finiteRange } from './params';
import type { ClipMethod } from './range';

const weights = fc.array(
  fc.oneof(
    { weight: 8, arbitrary: fc.float({ min: -4, max: 4, noNaN: true }) },
    { weight: 2, arbitrary: fc.constantFrom(0, -0) },
    { weight: 1, arbitrary: fc.float({ noNaN: true, noDefaultInfinity: true }) }, // outliers, subnormals
  ),
  { minLength: 1, maxLength: 120 },
).map((xs) => Float32Array.from(xs));
const bitsArb = fc.integer({ min: 2, max: 16 });
const clipArb = fc.constantFrom<ClipMethod>('minmax', 'percentile', 'mse');
const bitsOf = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

describe('quantizeAffine properties', () => {
  it('decodes every value inside the range to within scale/2 (plus float32 rounding)', () => {
    fc.assert(
      fc.property(weights, bitsArb, (w, bits) => {
        const q = quantizeAffine(w, bits);
        const d = dequantizeAffine(q.codes, q.scale, q.min);
        const p = affineParams(finiteRange(w).min, finiteRange(w).max, bits);
        w.forEach((v, i) => {
          if (v < p.min || v > p.max) return; // clipped by the nudge; covered below
          const tol = (q.scale / 2) * (1 + 1e-12) + 2 ** -24 * Math.max(Math.abs(v), Math.abs(d[i])) + 1e-45;
          expect(Math.abs(d[i] - v)).toBeLessThanOrEqual(tol);
        });
        if (p.min === p.max) return;
        // With min/max, the nudge moves the range by at most half a step, so every value is within scale/2.
        w.forEach((v, i) => {
          const tol = (q.scale / 2) * (1 + 1e-9) + 2 ** -24 * Math.max(Math.abs(v), Math.abs(d[i])) + 1e-45;
          expect(Math.abs(d[i] - v)).toBeLessThanOrEqual(tol);
        });
      }),
      { numRuns: 500 },
    );
  });

  it('keeps zeros exactly zero, for every clip method and bit depth', () => {
    fc.assert(
      fc.property(weights, bitsArb, clipArb, (w, bits, clip) => {
        const q = quantizeAffine(w, bits, { clip, percentile: 90 });
        const d = dequantizeAffine(q.codes, q.scale, q.min);
        w.forEach((v, i) => {
          if (v === 0) expect(d[i]).toBe(0);
        });
      }),
      { numRuns: 500 },
    );
  });

  it('gives the same result with the data range pruneGlobal reports as without it', () => {
    fc.assert(
      fc.property(fc.array(weights, { minLength: 1, maxLength: 3 }), fc.double({ min: 0, max: 1, noNaN: true }), bitsArb, clipArb, (ts, s, bits, clip) => {
        const pruned = pruneGlobal(ts, s);
        pruned.values.forEach((p, t) => {
          const a = quantizeAffine(p, bits, { clip });
          const b = quantizeAffine(p, bits, { clip, dataRange: pruned.ranges[t] });
          expect([b.scale, b.min]).toEqual([a.scale, a.min]);
          expect(Array.from(b.codes)).toEqual(Array.from(a.codes));
        });
      }),
      { numRuns: 300 },
    );
  });

  it('keeps pruned weights exactly zero through quantization', () => {
    fc.assert(
      fc.property(fc.array(weights, { minLength: 1, maxLength: 3 }), fc.double({ min: 0, max: 1, noNaN: true }), bitsArb, clipArb, (ts, s, bits, clip) => {
        const pruned = pruneGlobal(ts, s);
        pruned.values.forEach((p, t) => {
          const q = quantizeAffine(p, bits, { clip });
          const d = dequantizeAffine(q.codes, q.scale, q.min);
          let zeros = 0;
          p.forEach((v, i) => {
            if (v === 0) {
              expect(Object.is(d[i], 0)).toBe(true);
              zeros++;
            }
          });
          expect(zeros).toBe(pruned.zeros[t]);
        });
      }),
      { numRuns: 300 },
    );
  });

  it('is deterministic and leaves its input alone', () => {
    fc.assert(
      fc.property(weights, bitsArb, clipArb, (w, bits, clip) => {
        const before = bitsOf(w);
        const a = quantizeAffine(w, bits, { clip });
        const b = quantizeAffine(w, bits, { clip });
        expect(bitsOf(w)).toEqual(before);
        expect([a.scale, a.min, a.dtype]).toEqual([b.scale, b.min, b.dtype]);
        expect(Array.from(a.codes)).toEqual(Array.from(b.codes));
      }),
      { numRuns: 300 },
    );
  });

  it('is idempotent: re-quantizing decoded weights with the same settings and their grid changes nothing', () => {
    fc.assert(
      fc.property(weights, bitsArb, clipArb, (w, bits, clip) => {
        const q1 = quantizeAffine(w, bits, { clip });
        const d1 = dequantizeAffine(q1.codes, q1.scale, q1.min);
        const q2 = quantizeAffine(d1, bits, { clip, grid: { scale: q1.scale, min: q1.min } });
        expect([q2.scale, q2.min, q2.dtype]).toEqual([q1.scale, q1.min, q1.dtype]);
        expect(Array.from(q2.codes)).toEqual(Array.from(q1.codes));
      }),
      { numRuns: 500 },
    );
  });

  it('re-quantizing decoded weights by min/max alone gives the same codes, and the same weights up to float32 rounding', () => {
    fc.assert(
      fc.property(weights, bitsArb, (w, bits) => {
        const q1 = quantizeAffine(w, bits);
        const d1 = dequantizeAffine(q1.codes, q1.scale, q1.min);
        // Near the float32 limit a nudged top code can decode to Infinity (the stock format does that too).
        fc.pre(d1.every(Number.isFinite));
        // Min/max of the decoded values is the first grid only when the data reaches both of its ends: the zero-point
        // nudge can leave an end code unused ([4 - 1e-6, -(4 - 1e-6), 0] at 8 bits uses codes 1 to 255), and then
        // the second grid is another one.
        const top = 2 ** bits - 1;
        fc.pre(q1.codes.includes(0) && q1.codes.includes(top));
        const q2 = quantizeAffine(d1, bits);
        expect(Array.from(q2.codes)).toEqual(Array.from(q1.codes));
        // scale and min are recomputed from float32 endpoints, so only their last bits may move.
        expect(Math.abs(q2.scale - q1.scale)).toBeLessThanOrEqual(q1.scale * 2 ** -20);
        const d2 = dequantizeAffine(q2.codes, q2.scale, q2.min);
        // Each decoded value moves by float rounding at most, relative to the tensor's largest magnitude.
        const big = d1.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
        d1.forEach((v, i) => expect(Math.abs(d2[i] - v)).toBeLessThanOrEqual(2 ** -22 * big + 1e-45));
      }),
      { numRuns: 500 },
    );
  });

  it('keeps a grid whose top code decodes past the float32 range, to Infinity', () => {
    const w = Float32Array.of(-3.955069872712076e32, 3.402819612727464e38, 0);
    const q1 = quantizeAffine(w, 2);
    const d1 = dequantizeAffine(q1.codes, q1.scale, q1.min);
    expect(d1[1]).toBe(Infinity); // as the stock loader would decode it too
    const q2 = quantizeAffine(d1, 2, { grid: { scale: q1.scale, min: q1.min } });
    expect([q2.scale, q2.min, Array.from(q2.codes)]).toEqual([q1.scale, q1.min, Array.from(q1.codes)]);
  });

  it('ignores a grid the values do not lie on', () => {
    const w = Float32Array.of(-1, 0, 0.3, 2);
    const plain = quantizeAffine(w, 8);
    const hinted = quantizeAffine(w, 8, { grid: { scale: 0.5, min: -1 } }); // 0.3 is not on it
    expect([hinted.scale, hinted.min]).toEqual([plain.scale, plain.min]);
    expect(quantizeAffine(Float32Array.of(0, 0.5, 8), 4, { grid: { scale: 0.5, min: 0 } }).scale).not.toBe(0.5); // code 16 > 15
    expect(quantizeAffine(Float32Array.of(0, 0.5, 7.5), 4, { grid: { scale: 0.5, min: 0 } }).scale).toBe(0.5);
  });

  it('uses only 2^bits levels and the right code type', () => {
    fc.assert(
      fc.property(weights, bitsArb, clipArb, (w, bits, clip) => {
        const q = quantizeAffine(w, bits, { clip });
        expect(q.codes).toBeInstanceOf(bits <= 8 ? Uint8Array : Uint16Array);
        expect(q.codes.every((c) => c < 2 ** bits)).toBe(true);
      }),
    );
  });

  it('clips to a given range, widened to hold 0 when the data does', () => {
    const w = Float32Array.of(-10, -1, 0, 1, 2, 50);
    const q = quantizeAffine(w, 8, { range: { min: 0.5, max: 2 } });
    const d = dequantizeAffine(q.codes, q.scale, q.min);
    expect(d[2]).toBe(0);
    expect(d[0]).toBe(0); // clipped to the widened bottom, 0
    expect(Math.abs(d[5] - 2)).toBeLessThan(q.scale);
    expect(() => quantizeAffine(w, 8, { range: { min: 3, max: 1 } })).toThrow(/finite min <= max/);
  });
});
