/**
 * Error-compensating rounding on a per-tensor affine grid (GPTQ): inputs are rounded one at a time, and the error
 * each makes is moved onto the weights of later inputs of the same output, using the layer's input statistics,
 * so the layer's output on the calibration data changes as little as possible. The grid (scale, min, levels) is
 * the one nearest rounding would use, so the result stays converter-exact and stock-loadable: only which level
 * each weight takes changes.
 *
 * Zeros stay exactly zero (pruned weights are part of the mask, not of the rounding): a zero is "rounded" to the
 * grid's exact zero, and its updates go to later inputs like any rounding error.
 *
 * Layout as in prune/obs.ts: the kernel row-major [dIn, dOut].
 */
import { dampedGram, upperCholeskyOfInverseSteps } from '../calibrate/cholesky';
import { runSteps, type Steps } from '../calibrate/steps';
import { roundHalfEven } from './params';

export interface AffineGrid {
  scale: number;
  min: number;
  bits: number;
}

/**
 * The codes GPTQ chooses for `kernel` on `grid`, or null when the grid cannot hold the tensor's zeros exactly
 * (then nearest rounding must be used).
 * @example const codes = gptqCodes(kernel, 784, 300, gram, { scale, min, bits: 4 });
 */
export function gptqCodes(kernel: Float32Array, dIn: number, dOut: number, gram: Float64Array, grid: AffineGrid, dampening = 0.01): Uint8Array | Uint16Array | null {
  return runSteps(gptqCodesSteps(kernel, dIn, dOut, gram, grid, dampening));
}

/** gptqCodes, yielding between inputs (see calibrate/steps.ts). */
export function* gptqCodesSteps(
  kernel: Float32Array,
  dIn: number,
  dOut: number,
  gram: Float64Array,
  grid: AffineGrid,
  dampening = 0.01,
): Steps<Uint8Array | Uint16Array | null> {
  const { scale, min, bits } = grid;
  const qmax = 2 ** bits - 1;
  const decode = (c: number) => Math.fround(c * scale + min);
  const zeroCode = Math.min(qmax, Math.max(0, roundHalfEven(-min / scale)));
  const hasZeros = kernel.some((v) => v === 0);
  if (hasZeros && decode(zeroCode) !== 0) return null;
  const u = yield* upperCholeskyOfInverseSteps(dampedGram(gram, dIn, dampening), dIn, "layer's input Gram matrix");
  const codes = bits <= 8 ? new Uint8Array(kernel.length) : new Uint16Array(kernel.length);
  const w = Float64Array.from(kernel);
  const err = new Float64Array(dOut);
  for (let j = 0; j < dIn; j++) {
    yield;
    const ujj = u[j * dIn + j]!;
    const row = j * dOut;
    for (let o = 0; o < dOut; o++) {
      let c: number;
      if (kernel[row + o] === 0) c = zeroCode;
      else {
        c = roundHalfEven((w[row + o]! - min) / scale);
        c = c < 0 ? 0 : c > qmax ? qmax : c;
      }
      codes[row + o] = c;
      err[o] = (w[row + o]! - decode(c)) / ujj;
    }
    for (let k = j + 1; k < dIn; k++) {
      const f = u[j * dIn + k]!;
      if (f === 0) continue;
      const rk = k * dOut;
      for (let o = 0; o < dOut; o++) w[rk + o] -= f * err[o]!;
    }
  }
  return codes;
}
