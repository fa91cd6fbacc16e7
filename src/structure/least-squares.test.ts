/**
 * The ridge refit on a small exact problem: inputs A (kept channels, in the smaller model) and B (the original
 * inputs), a kernel W over B; the refit X minimises ‖[A 1]X − [B 1][W; b]‖² + λ‖X − S‖².
 */
import { describe, expect, it } from 'vitest';
import { refitFromCross, ridgeLambda } from './least-squares';

/** A deterministic pseudo-random stream (no Math.random: tests must not move between runs). */
function stream(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
}

/** H = [A 1]ᵀ[A 1] and C = [A 1]ᵀ[B 1] over rows of A (m x a) and B (m x b). */
function grams(a: Float64Array[], b: Float64Array[], na: number, nb: number): { h: Float64Array; c: Float64Array } {
  const h = new Float64Array((na + 1) ** 2);
  const c = new Float64Array((na + 1) * (nb + 1));
  for (let r = 0; r < a.length; r++) {
    const ar = [...a[r]!, 1];
    const br = [...b[r]!, 1];
    for (let i = 0; i <= na; i++) {
      for (let j = 0; j <= na; j++) h[i * (na + 1) + j] += ar[i]! * ar[j]!;
      for (let j = 0; j <= nb; j++) c[i * (nb + 1) + j] += ar[i]! * br[j]!;
    }
  }
  return { h, c };
}

describe('refitFromCross', () => {
  const rand = stream(7);
  const nb = 4;
  const cout = 3;
  const kept = [0, 2]; // channels 1 and 3 removed
  const rows = Array.from({ length: 40 }, () => Float64Array.from({ length: nb }, rand));
  // The removed channels are partly predictable from the kept ones, so a refit has something to recover.
  for (const r of rows) {
    r[1] = 0.8 * r[0]! + 0.1 * rand();
    r[3] = -0.5 * r[2]! + 0.1 * rand();
  }
  const a = rows.map((r) => Float64Array.from(kept, (k) => r[k]!));
  const kernel = Float32Array.from({ length: nb * cout }, rand);
  const bias = Float32Array.from({ length: cout }, rand);
  const sliced = { kernel: Float32Array.from(kept.flatMap((k) => [...kernel.subarray(k * cout, (k + 1) * cout)])), bias: Float32Array.from(bias) };
  const { h, c } = grams(a, rows, kept.length, nb);
  const residual = (x: { kernel: Float32Array; bias: Float32Array | null }) => {
    let e = 0;
    for (let r = 0; r < rows.length; r++) {
      for (let o = 0; o < cout; o++) {
        let want = bias[o]!;
        for (let i = 0; i < nb; i++) want += rows[r]![i]! * kernel[i * cout + o]!;
        let got = x.bias![o]!;
        for (let i = 0; i < kept.length; i++) got += a[r]![i]! * x.kernel[i * cout + o]!;
        e += (got - want) ** 2;
      }
    }
    return e;
  };
  const refit = (ridge: number) => refitFromCross(h, c, kept.length, nb, { kernel, bias }, sliced, [0, 1, 2], cout, ridge);

  it('without a ridge it is the least-squares optimum: no small change lowers the error', () => {
    const x = refit(0);
    const best = residual(x);
    expect(best).toBeLessThan(0.5 * residual(sliced));
    for (let i = 0; i < x.kernel.length; i++) {
      for (const d of [1e-3, -1e-3]) {
        const k = Float32Array.from(x.kernel);
        k[i] += d;
        expect(residual({ kernel: k, bias: x.bias })).toBeGreaterThanOrEqual(best - 1e-9);
      }
    }
  });

  it('a stronger ridge moves monotonically from least squares toward the sliced weights, never past them', () => {
    const errors = [0, 0.01, 0.1, 1, 1e6].map((r) => residual(refit(r)));
    for (let i = 1; i < errors.length; i++) expect(errors[i]!).toBeGreaterThanOrEqual(errors[i - 1]! - 1e-9);
    const far = refit(1e6);
    far.kernel.forEach((v, i) => expect(v).toBeCloseTo(sliced.kernel[i]!, 3));
    expect(errors.at(-1)!).toBeLessThanOrEqual(residual(sliced) + 1e-6);
  });

  it('λ is the ridge times the mean diagonal', () => {
    expect(ridgeLambda(Float64Array.from([2, 0, 0, 4]), 2, 0.5)).toBe(1.5);
    expect(ridgeLambda(new Float64Array(4), 2, 0.5)).toBe(0.5);
  });
});
