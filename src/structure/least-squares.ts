/**
 * Compensating removed input channels without retraining: the kernel rows that remain (and the bias) of a layer
 * that read removed channels are refitted by least squares so that, on the calibration samples, its pre-activation
 * output stays as close as possible to what the original layer computed: min ‖A W' + 1 b' − (B W + 1 b)‖², with A
 * its inputs in the smaller model and B those in the original.
 */
import { cholesky, dampedGram } from '../calibrate/cholesky';

/** Small ridge relative to the mean diagonal: keeps nearly collinear inputs (padding, dead units) solvable. */
const RIDGE = 1e-4;

/**
 * Solves (H + ridge) X = rhs for X in place (rhs: n x cout, row-major), H symmetric positive semi-definite: one
 * Cholesky factorisation, then forward and backward substitution over whole rows.
 */
export function solveInPlace(h: Float64Array, n: number, rhs: Float64Array, cout: number): void {
  const l = cholesky(dampedGram(h, n, RIDGE), n, 'Gram matrix of the kept inputs');
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
}

/**
 * The sequential form: the kept inputs A are what the layer receives in the smaller model (earlier layers already
 * changed), the target is what the original layer computed from its original inputs B. From H = [A 1]ᵀ[A 1]
 * ((a+1)²) and C = [A 1]ᵀ[B 1] ((a+1) x (b+1)): X = H⁻¹ C [W; b], over the output columns `keptOut` of the
 * original kernel W (b x cout).
 */
export function refitFromCross(h: Float64Array, c: Float64Array, a: number, b: number, kernel: Float32Array, bias: Float32Array | null, keptOut: readonly number[], cout: number): { kernel: Float32Array; bias: Float32Array | null } {
  const n = bias ? a + 1 : a;
  const hh = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) hh[i * n + j] = h[i * (a + 1) + j]!;
  const k = keptOut.length;
  const rhs = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    const row = rhs.subarray(i * k, (i + 1) * k);
    const ci = i * (b + 1);
    for (let r = 0; r < b; r++) {
      const v = c[ci + r]!;
      if (v === 0) continue;
      for (let o = 0; o < k; o++) row[o] += v * kernel[r * cout + keptOut[o]!]!;
    }
    if (bias) {
      const v = c[ci + b]!;
      for (let o = 0; o < k; o++) row[o] += v * bias[keptOut[o]!]!;
    }
  }
  solveInPlace(hh, n, rhs, k);
  return { kernel: Float32Array.from(rhs.subarray(0, a * k)), bias: bias ? Float32Array.from(rhs.subarray(a * k, (a + 1) * k)) : null };
}
