/**
 * Test-only: a layer with correlated inputs (rows of X, float64), its Gram matrix XᵀX and a kernel [dIn, dOut],
 * and how much the layer's output on those rows changes when the kernel does.
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
