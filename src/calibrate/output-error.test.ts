import { describe, expect, it } from 'vitest';
import { dequantizeAffine, quantizeAffine } from '../quantize';
import { gramWeightedEnergy, layerEnergy, relativeOutputError } from './output-error';

/** Deterministic pseudo-random numbers in [-1, 1) (a linear congruential generator), so the tests repeat exactly. */
function numbers(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 31) - 1);
}

/** XᵀX of rows x [rows, d] row-major, in float64. */
function gramOf(x: Float32Array, rows: number, d: number): Float64Array {
  const g = new Float64Array(d * d);
  for (let r = 0; r < rows; r++) for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) g[i * d + j] += x[r * d + i]! * x[r * d + j]!;
  return g;
}

/** ‖X·D‖² by multiplying it out: the figure the Gram matrix must give without the rows. */
function outputEnergy(x: Float32Array, rows: number, d: Float32Array | Float64Array, dIn: number, dOut: number): number {
  let total = 0;
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < dOut; o++) {
      let y = 0;
      for (let i = 0; i < dIn; i++) y += x[r * dIn + i]! * d[i * dOut + o]!;
      total += y * y;
    }
  }
  return total;
}

const nearest = (w: Float32Array, bits: number) => {
  const q = quantizeAffine(w, bits);
  return dequantizeAffine(q.codes, q.scale, q.min) as Float32Array;
};

describe('layer output error from the Gram matrix', () => {
  const [rows, dIn, dOut] = [40, 12, 5];
  const x = numbers(rows * dIn, 1);
  const gram = gramOf(x, rows, dIn);
  const w = numbers(dIn * dOut, 2);

  it('gives ‖X·D‖² of a dense kernel without the rows', () => {
    const d = numbers(dIn * dOut, 3);
    expect(gramWeightedEnergy(d, [dIn, dOut], gram)).toBeCloseTo(outputEnergy(x, rows, d, dIn, dOut), 6);
  });

  it("gives a depthwise kernel's energy from its per-channel blocks", () => {
    // [kh, kw, channels, multiplier] = [2, 1, 3, 2]: channel c's outputs read its 2 patch elements only.
    const [k, channels, multiplier] = [2, 3, 2];
    const shape = [2, 1, channels, multiplier];
    const patches = Array.from({ length: channels }, (_, c) => numbers(rows * k, 10 + c));
    const blocks = new Float64Array(channels * k * k);
    patches.forEach((p, c) => blocks.set(gramOf(p, rows, k), c * k * k));
    const d = numbers(k * channels * multiplier, 4);
    let expected = 0;
    for (let c = 0; c < channels; c++) {
      const sub = new Float32Array(k * multiplier);
      for (let e = 0; e < k; e++) for (let m = 0; m < multiplier; m++) sub[e * multiplier + m] = d[(e * channels + c) * multiplier + m]!;
      expected += outputEnergy(patches[c]!, rows, sub, k, multiplier);
    }
    expect(gramWeightedEnergy(d, shape, blocks)).toBeCloseTo(expected, 6);
  });

  it('ranks a kernel stored coarser as worse, and an unchanged one as free', () => {
    const errors = [8, 6, 4, 3, 2].map((bits) => relativeOutputError(w, nearest(w, bits), [dIn, dOut], { gram }));
    for (let i = 1; i < errors.length; i++) expect(errors[i]!).toBeGreaterThan(errors[i - 1]!);
    expect(errors[0]!).toBeGreaterThan(0);
    expect(errors[0]!).toBeLessThan(1e-3);
    expect(relativeOutputError(w, w, [dIn, dOut], { gram })).toBe(0);
  });

  it('is the relative error of the layer output: the change in X·W over X·W', () => {
    const changed = nearest(w, 3);
    const delta = Float64Array.from(changed, (v, i) => v - w[i]!);
    const expected = outputEnergy(x, rows, delta, dIn, dOut) / outputEnergy(x, rows, w, dIn, dOut);
    expect(relativeOutputError(w, changed, [dIn, dOut], { gram })).toBeCloseTo(expected, 9);
  });

  it('costs nothing for weights of an input that is always zero, which the plain weight error would count', () => {
    // Input 0 is never non-zero: its weights can be anything without changing the output.
    const silent = Float32Array.from(x, (v, i) => (i % dIn === 0 ? 0 : v));
    const g = gramOf(silent, rows, dIn);
    const changed = Float32Array.from(w, (v, i) => (i < dOut ? v + 0.5 : v));
    expect(relativeOutputError(w, changed, [dIn, dOut], { gram: g })).toBe(0);
    expect(relativeOutputError(w, changed, [dIn, dOut], null)).toBeGreaterThan(0.01);
  });

  it('falls back to the weights own relative error without statistics, and takes a precomputed signal', () => {
    const changed = nearest(w, 4);
    let [err, sig] = [0, 0];
    for (let i = 0; i < w.length; i++) [err, sig] = [err + (changed[i]! - w[i]!) ** 2, sig + w[i]! ** 2];
    expect(relativeOutputError(w, changed, [dIn, dOut], null)).toBeCloseTo(err / sig, 12);
    const signal = layerEnergy(w, [dIn, dOut], { gram });
    expect(relativeOutputError(w, changed, [dIn, dOut], { gram }, signal)).toBe(relativeOutputError(w, changed, [dIn, dOut], { gram }));
  });

  it('refuses a Gram matrix that fits neither layout', () => {
    expect(() => gramWeightedEnergy(w, [dIn, dOut], new Float64Array(7))).toThrow('fits neither');
  });
});
