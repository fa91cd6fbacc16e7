/**
 * Test-only: a layer with correlated inputs (rows of X, float64), its Gram matrix XᵀX and a kernel [dIn, dOut],
 * how much the layer's output on those rows changes when the kernel does, and a full inverse to check against.
 */
import { seededRandom } from '../../seeded-random';

export function syntheticLayer(seed: number, rows: number, dIn: number, dOut: number) {
  const rand = seededRandom(seed);
  const x = new Float64Array(rows * dIn);
  for (let r = 0; r < rows; r++) {
    const shared = rand() - 0.5;
    for (let j = 0; j < dIn; j++) x[r * dIn + j] = rand() - 0.5 + shared * (j % 3);
  }
  const gram = new Float64Array(dIn * dIn);
  for (let r = 0; r < rows; r++) for (let i = 0; i < dIn; i++) for (let j = 0; j < dIn; j++) gram[i * dIn + j] += x[r * dIn + i]! * x[r * dIn + j]!;
  const kernel = new Float32Array(dIn * dOut).map(() => rand() * 2 - 1);
  return { x, gram, kernel };
}

/** ‖X W₁ − X W₀‖² over all outputs. */
export function outputError(x: Float64Array, rows: number, dIn: number, dOut: number, w0: Float32Array, w1: Float32Array): number {
  let e = 0;
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < dOut; o++) {
      let d = 0;
      for (let j = 0; j < dIn; j++) d += x[r * dIn + j]! * (w1[j * dOut + o]! - w0[j * dOut + o]!);
      e += d * d;
    }
  }
  return e;
}

/** A⁻¹ from its lower Cholesky factor L (A = L Lᵀ): A⁻¹ = L⁻ᵀ L⁻¹. */
export function inverseFromCholesky(l: Float64Array, n: number): Float64Array {
  // M = L⁻¹ (lower triangular), by forward substitution column by column.
  const m = new Float64Array(n * n);
  for (let c = 0; c < n; c++) {
    m[c * n + c] = 1 / l[c * n + c]!;
    for (let i = c + 1; i < n; i++) {
      let s = 0;
      for (let k = c; k < i; k++) s += l[i * n + k]! * m[k * n + c]!;
      m[i * n + c] = -s / l[i * n + i]!;
    }
  }
  // A⁻¹ = Mᵀ M, symmetric.
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let s = 0;
      for (let k = j; k < n; k++) s += m[k * n + i]! * m[k * n + j]!;
      inv[i * n + j] = s;
      inv[j * n + i] = s;
    }
  }
  return inv;
}
