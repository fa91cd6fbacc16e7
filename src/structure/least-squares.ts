/**
 * Compensating removed input channels without retraining: the consumer's kernel rows that remain (and its bias)
 * are refitted by least squares so that, on the calibration inputs, its pre-activation output stays as close as
 * possible to what the full kernel computed: min ‖X_K W' + 1 b' − (X W + 1 b)‖², solved from the Gram matrix of
 * [X 1] captured once.
 */
import { cholesky, dampedGram } from '../calibrate/cholesky';

/** Small ridge relative to the mean diagonal: keeps nearly collinear inputs (padding, dead units) solvable. */
const RIDGE = 1e-4;

/**
 * @param gram (d+1)² Gram of [X 1] (row-major; index d is the constant column)
 * @param kernel d x cout, row-major (a Conv2D kernel [kh, kw, cin, cout] is already in that order)
 * @param bias cout values, or null when the layer has none (no intercept is fitted then)
 * @param kept the kernel rows that remain, ascending
 * @returns the new kernel (kept.length x cout) and bias
 */
export function refitKernel(gram: Float64Array, d: number, kernel: Float32Array, bias: Float32Array | null, kept: readonly number[], cout: number): { kernel: Float32Array; bias: Float32Array | null } {
  const full = d + 1;
  const idx = bias ? [...kept, d] : [...kept];
  const n = idx.length;
  const h = new Float64Array(n * n);
  for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) h[a * n + b] = gram[idx[a]! * full + idx[b]!]!;
  const l = cholesky(dampedGram(h, n, RIDGE), n, 'Gram matrix of the kept inputs');
  // Right-hand side: G[idx, all] · [W; b], n x cout.
  const rhs = new Float64Array(n * cout);
  for (let a = 0; a < n; a++) {
    const g = idx[a]! * full;
    const row = rhs.subarray(a * cout, (a + 1) * cout);
    for (let r = 0; r < d; r++) {
      const v = gram[g + r]!;
      if (v === 0) continue;
      const w = r * cout;
      for (let o = 0; o < cout; o++) row[o] += v * kernel[w + o]!;
    }
    if (bias) {
      const v = gram[g + d]!;
      for (let o = 0; o < cout; o++) row[o] += v * bias[o]!;
    }
  }
  // L Lᵀ x = rhs, all columns at once: forward then backward substitution over rows.
  for (let i = 0; i < n; i++) {
    const ri = rhs.subarray(i * cout, (i + 1) * cout);
    for (let k = 0; k < i; k++) {
      const c = l[i * n + k]!;
      if (c === 0) continue;
      const rk = rhs.subarray(k * cout, (k + 1) * cout);
      for (let o = 0; o < cout; o++) ri[o] -= c * rk[o]!;
    }
    const lii = l[i * n + i]!;
    for (let o = 0; o < cout; o++) ri[o] /= lii;
  }
  for (let i = n - 1; i >= 0; i--) {
    const ri = rhs.subarray(i * cout, (i + 1) * cout);
    for (let k = i + 1; k < n; k++) {
      const c = l[k * n + i]!;
      if (c === 0) continue;
      const rk = rhs.subarray(k * cout, (k + 1) * cout);
      for (let o = 0; o < cout; o++) ri[o] -= c * rk[o]!;
    }
    const lii = l[i * n + i]!;
    for (let o = 0; o < cout; o++) ri[o] /= lii;
  }
  const out = new Float32Array(kept.length * cout);
  for (let a = 0; a < kept.length; a++) for (let o = 0; o < cout; o++) out[a * cout + o] = rhs[a * cout + o]!;
  const newBias = bias ? Float32Array.from(rhs.subarray(kept.length * cout, (kept.length + 1) * cout)) : null;
  return { kernel: out, bias: newBias };
}
