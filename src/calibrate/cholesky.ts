/**
 * The dense linear algebra error-compensating pruning and rounding need, on float64 row-major square matrices: Cholesky
 * factorisation and the upper Cholesky factor of an inverse. Plain loops: the matrices are a layer's input width
 * (hundreds to a few thousand), where this is fast enough and exact to float64.
 */
import { PareError } from '../errors';
import { runSteps, type Steps } from './steps';

/** Lower-triangular L with A = L Lᵀ, in place of a copy of `a` (n x n). Throws when A is not positive definite. */
export function cholesky(a: Float64Array, n: number, what = 'matrix'): Float64Array {
  return runSteps(choleskySteps(a, n, what));
}

/** cholesky, yielding after each column. */
export function* choleskySteps(a: Float64Array, n: number, what = 'matrix'): Steps<Float64Array> {
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    yield;
    let d = a[j * n + j]!;
    const lj = j * n;
    for (let k = 0; k < j; k++) d -= l[lj + k]! * l[lj + k]!;
    if (!(d > 0)) {
      throw new PareError('bad-data', `The ${what} is not positive definite (pivot ${j} is ${d}); the calibration data may be constant.`);
    }
    const djj = Math.sqrt(d);
    l[lj + j] = djj;
    for (let i = j + 1; i < n; i++) {
      const li = i * n;
      let s = a[li + j]!;
      for (let k = 0; k < j; k++) s -= l[li + k]! * l[lj + k]!;
      l[li + j] = s / djj;
    }
  }
  return l;
}

/**
 * Upper-triangular U with A⁻¹ = Uᵀ U: what OBS-style updates read row by row. One Cholesky factorisation of A with
 * its rows and columns reversed gives A = R Rᵀ with R upper triangular; then A⁻¹ = R⁻ᵀ R⁻¹, so U = R⁻¹ — a
 * triangular inverse instead of a full inverse and a second factorisation.
 */
export function upperCholeskyOfInverse(a: Float64Array, n: number, what?: string): Float64Array {
  return runSteps(upperCholeskyOfInverseSteps(a, n, what));
}

/** upperCholeskyOfInverse, yielding after each column of the factorisation and each row of the inverse. */
export function* upperCholeskyOfInverseSteps(a: Float64Array, n: number, what?: string): Steps<Float64Array> {
  const reversed = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) reversed[i * n + j] = a[(n - 1 - i) * n + (n - 1 - j)]!;
  const l = yield* choleskySteps(reversed, n, what);
  // R = P L P (upper): R_ik = L[n-1-i][n-1-k]. Its inverse U is upper too, found row by row from the bottom:
  // (R U)_ij = 0 for j > i gives U_i· = -(1 / R_ii) Σ_{k>i} R_ik U_k·, whole rows at a time (contiguous memory).
  const u = new Float64Array(n * n);
  for (let i = n - 1; i >= 0; i--) {
    yield;
    const li = (n - 1 - i) * n;
    const rii = l[li + (n - 1 - i)]!;
    const ui = i * n;
    for (let k = i + 1; k < n; k++) {
      const c = l[li + (n - 1 - k)]!;
      if (c === 0) continue;
      const uk = k * n;
      for (let j = k; j < n; j++) u[ui + j] += c * u[uk + j]!;
    }
    for (let j = i + 1; j < n; j++) u[ui + j] = -u[ui + j]! / rii;
    u[ui + i] = 1 / rii;
  }
  return u;
}

/**
 * H = XᵀX made safe to factor: inputs that never fire get a unit diagonal (they carry no information), and
 * `dampening` times the mean diagonal is added to every diagonal entry for numerical stability (SparseGPT and
 * GPTQ use 0.01).
 */
export function dampedGram(gram: Float64Array, n: number, dampening = 0.01): Float64Array {
  const h = Float64Array.from(gram);
  let mean = 0;
  for (let j = 0; j < n; j++) mean += h[j * n + j]!;
  mean /= n;
  const damp = dampening * (mean > 0 ? mean : 1);
  for (let j = 0; j < n; j++) {
    if (h[j * n + j] === 0) h[j * n + j] = 1;
    h[j * n + j] += damp;
  }
  return h;
}
