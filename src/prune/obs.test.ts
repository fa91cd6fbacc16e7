import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inverseFromCholesky, outputError, syntheticLayer } from '../calibrate/testing/layer';
import { cholesky, upperCholeskyOfInverse } from '../calibrate/cholesky';
import { pruneTensor } from './magnitude';
import { obsPrune, wandaPrune } from './obs';

/** For each output, the kept weights (nonzero in `mask`) that best reproduce X·w on the calibration rows. */
function leastSquaresFor(gram: Float64Array, w: Float32Array, mask: Float32Array, dIn: number, dOut: number): Float32Array {
  const out = new Float32Array(w.length);
  for (let o = 0; o < dOut; o++) {
    const kept = [...Array(dIn).keys()].filter((j) => mask[j * dOut + o] !== 0);
    const k = kept.length;
    if (!k) continue;
    const a = new Float64Array(k * k);
    const b = new Float64Array(k);
    kept.forEach((i, r) => {
      kept.forEach((j, c) => (a[r * k + c] = gram[i * dIn + j]!));
      for (let j = 0; j < dIn; j++) b[r] += gram[i * dIn + j]! * w[j * dOut + o]!;
    });
    const inv = inverseFromCholesky(cholesky(a, k), k);
    kept.forEach((j, r) => {
      let s = 0;
      for (let c = 0; c < k; c++) s += inv[r * k + c]! * b[c]!;
      out[j * dOut + o] = s;
    });
  }
  return out;
}

const zeros = (v: Float32Array) => v.reduce((n, x) => n + (x === 0 ? 1 : 0), 0);

describe('Cholesky helpers', () => {
  it('factor, invert and give Uᵀ U = A⁻¹ for a positive definite matrix', () => {
    const n = 7;
    const { gram } = syntheticLayer(3, 40, n, 1);
    const l = cholesky(gram, n);
    const inv = inverseFromCholesky(l, n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += gram[i * n + k]! * inv[k * n + j]!;
        expect(s).toBeCloseTo(i === j ? 1 : 0, 9);
      }
    }
    const u = upperCholeskyOfInverse(gram, n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        if (i > j) expect(u[i * n + j]).toBe(0);
        let s = 0;
        for (let k = 0; k < n; k++) s += u[k * n + i]! * u[k * n + j]!;
        expect(s).toBeCloseTo(inv[i * n + j]!, 9);
      }
    }
  });

  it('refuses a matrix that is not positive definite, saying so', () => {
    expect(() => cholesky(new Float64Array([1, 2, 2, 1]), 2, 'Gram matrix')).toThrow(/The Gram matrix is not positive definite \(pivot 1/);
  });
});

describe('obsPrune and wandaPrune', () => {
  it('leave exactly round(s·n) zeros and keep every zero already there (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 0.5, noNaN: true }), (seed, s, pre) => {
        const dIn = 12;
        const dOut = 5;
        const { gram, kernel } = syntheticLayer(seed, 30, dIn, dOut);
        const start = pruneTensor(kernel, pre).values;
        const target = Math.max(Math.round(s * start.length), zeros(start));
        const diag = new Float64Array(dIn).map((_, j) => gram[j * dIn + j]!);
        for (const out of [obsPrune(start, dIn, dOut, gram, s), wandaPrune(start, dIn, dOut, diag, s)]) {
          expect(zeros(out)).toBe(target);
          start.forEach((v, i) => v === 0 && expect(out[i]).toBe(0));
        }
      }),
      { numRuns: 60 },
    );
  });

  it('compensate: the output error lies between the least-squares optimum for the mask and the mask alone, near the optimum', () => {
    const rows = 50;
    const dIn = 10;
    const dOut = 4;
    const { x, gram, kernel } = syntheticLayer(11, rows, dIn, dOut);
    const out = obsPrune(kernel, dIn, dOut, gram, 0.5, { dampening: 1e-9 });
    const sameMask = kernel.map((v, i) => (out[i] === 0 ? 0 : v));
    const optimum = leastSquaresFor(gram, kernel, out, dIn, dOut);
    const magnitude = pruneTensor(kernel, 0.5).values;
    const e = (w: Float32Array) => outputError(x, rows, dIn, dOut, kernel, w);
    // SparseGPT's updates touch only later inputs, so in general they fall short of the optimum for the mask.
    expect(e(optimum)).toBeLessThanOrEqual(e(out) * (1 + 1e-9));
    expect(e(out)).toBeLessThan(e(sameMask));
    expect(e(out)).toBeLessThan(e(magnitude));
  });

  it('is the exact OBS optimum when what it removes sits on the first input (every other weight may adjust)', () => {
    const rows = 40;
    const dIn = 8;
    const { x, gram, kernel } = syntheticLayer(5, rows, dIn, 1);
    kernel[0] = 1e-3; // the least salient weight: the one removed at sparsity 1/8
    const out = obsPrune(kernel, dIn, 1, gram, 1 / dIn, { dampening: 1e-12 });
    expect(out[0]).toBe(0);
    const optimum = leastSquaresFor(gram, kernel, out, dIn, 1);
    for (let j = 1; j < dIn; j++) expect(out[j]).toBeCloseTo(optimum[j]!, 5);
    expect(outputError(x, rows, dIn, 1, kernel, out)).toBeCloseTo(outputError(x, rows, dIn, 1, kernel, optimum), 8);
  });

  it('wanda prefers removing weights on quiet inputs, and prunes inputs that never fired first, by magnitude', () => {
    const kernel = new Float32Array([1, 1, 0.5, 0.5, 0.2, 0.3]); // [3 inputs, 2 outputs]
    const out = wandaPrune(kernel, 3, 2, new Float64Array([100, 0.01, 0]), 0.5);
    // Input 2 never fired: both its weights go; then the quieter input 1 loses one (ties to the lower index).
    expect([...out]).toEqual([1, 1, 0, 0.5, 0, 0]);
  });
});
