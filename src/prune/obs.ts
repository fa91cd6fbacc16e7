/**
 * Error-compensating pruning of one layer (OBS with a fixed mask, as SparseGPT does it): choose which weights go
 * from their saliency w² / [H⁻¹]ⱼⱼ, then remove them input by input, each time moving the error it makes onto the
 * weights of later inputs of the same output, so the layer's output on the calibration data changes as little as
 * possible. H = XᵀX is the Gram matrix of the layer's inputs (rows of X: samples, or patches for convolutions).
 *
 * Layout: the kernel as TF.js stores it, row-major [dIn, dOut] (a Dense kernel, or a Conv2D kernel
 * [kh, kw, cin, cout] read as [kh*kw*cin, cout]). Input j's weights are the contiguous row j.
 */
import { pruneTensor } from './magnitude';
import { dampedGram, upperCholeskyOfInverseSteps } from '../calibrate/cholesky';
import { runSteps, type Steps } from '../calibrate/steps';

export interface ObsOptions {
  /** Added to H's diagonal as a fraction of its mean diagonal, for numerical stability (SparseGPT uses 0.01). */
  dampening?: number;
}

/**
 * A weight's score as float32, never zero unless the weight is: the selection counts zero scores as zeros already
 * there, so a score that underflowed would be pruned beyond the target.
 */
export function positiveScore(w: number, score: number): number {
  if (w === 0) return 0;
  const f = Math.fround(score);
  return f > 0 ? f : 1.401298464324817e-45;
}

/**
 * The kernel pruned to exactly round(sparsity * n) zeros (counting zeros already there, which always stay zero),
 * the remaining weights updated to compensate. Ties in saliency go to the lower index, so the result is
 * deterministic.
 * @example const pruned = obsPrune(kernel, 784, 300, gram, 0.8);
 */
export function obsPrune(kernel: Float32Array, dIn: number, dOut: number, gram: Float64Array, sparsity: number, options: ObsOptions = {}): Float32Array {
  return runSteps(obsPruneSteps(kernel, dIn, dOut, gram, sparsity, options));
}

/** obsPrune, yielding between inputs (see calibrate/steps.ts). */
export function* obsPruneSteps(
  kernel: Float32Array,
  dIn: number,
  dOut: number,
  gram: Float64Array,
  sparsity: number,
  options: ObsOptions = {},
): Steps<Float32Array> {
  const u = yield* upperCholeskyOfInverseSteps(dampedGram(gram, dIn, options.dampening ?? 0.01), dIn, "layer's input Gram matrix");
  // Exact count and deterministic ties come from the same selection magnitude pruning uses; zeros (existing or
  // with zero saliency) are selected first.
  const selected = pruneTensor(obsSaliency(kernel, dIn, dOut, u), sparsity).values;
  return yield* obsRemoveSteps(kernel, dIn, dOut, u, selected);
}

/**
 * Saliency of removing w_jo alone: w² / [H⁻¹]ⱼⱼ; [H⁻¹]ⱼⱼ = Σₖ U²ₖⱼ, but with the sequential order SparseGPT uses
 * U²ⱼⱼ, the variance left for input j once earlier inputs are fixed. `u`: the upper Cholesky factor of H⁻¹.
 */
export function obsSaliency(kernel: Float32Array, dIn: number, dOut: number, u: Float64Array): Float32Array {
  const score = new Float32Array(kernel.length);
  for (let j = 0; j < dIn; j++) {
    const d = u[j * dIn + j]! ** 2;
    for (let o = 0; o < dOut; o++) score[j * dOut + o] = positiveScore(kernel[j * dOut + o]!, (kernel[j * dOut + o]! ** 2) / d);
  }
  return score;
}

/**
 * Removes the weights that are zero in `selected`, input by input, each time moving the error onto the weights of
 * later inputs of the same output; the removed weights (and only they, besides existing zeros) come out exactly 0.
 */
export function* obsRemoveSteps(kernel: Float32Array, dIn: number, dOut: number, u: Float64Array, selected: Float32Array): Steps<Float32Array> {
  const w = Float64Array.from(kernel);
  const err = new Float64Array(dOut);
  for (let j = 0; j < dIn; j++) {
    yield;
    const ujj = u[j * dIn + j]!;
    const row = j * dOut;
    let any = false;
    for (let o = 0; o < dOut; o++) {
      if (selected[row + o] === 0) {
        err[o] = w[row + o]! / ujj;
        w[row + o] = 0;
        any = true;
      } else err[o] = 0;
    }
    if (!any) continue;
    for (let k = j + 1; k < dIn; k++) {
      const c = u[j * dIn + k]!;
      if (c === 0) continue;
      const rk = k * dOut;
      for (let o = 0; o < dOut; o++) w[rk + o] -= c * err[o]!;
    }
  }
  const out = new Float32Array(kernel.length);
  for (let i = 0; i < out.length; i++) out[i] = selected[i] === 0 ? 0 : w[i]!;
  return out;
}

/**
 * The kernel pruned to exactly round(sparsity * n) zeros by the activation-aware score |w| · ‖xⱼ‖ (Wanda), with
 * no update of the remaining weights. `sumSquares[j]` is Σ xⱼ² over the calibration rows.
 */
export function wandaPrune(kernel: Float32Array, dIn: number, dOut: number, sumSquares: Float64Array, sparsity: number): Float32Array {
  // An input that never fired in the calibration data scores its weights by magnitude alone, below every live
  // input's: they go first, in order of |w|, but no further than the target.
  let smallest = Infinity;
  for (let j = 0; j < dIn; j++) if (sumSquares[j]! > 0) smallest = Math.min(smallest, Math.sqrt(sumSquares[j]!));
  const dead = Number.isFinite(smallest) ? smallest * 1e-6 : 1;
  const score = new Float32Array(kernel.length);
  for (let j = 0; j < dIn; j++) {
    const norm = sumSquares[j]! > 0 ? Math.sqrt(sumSquares[j]!) : dead;
    for (let o = 0; o < dOut; o++) score[j * dOut + o] = positiveScore(kernel[j * dOut + o]!, Math.abs(kernel[j * dOut + o]!) * norm);
  }
  const selected = pruneTensor(score, sparsity).values;
  const out = new Float32Array(kernel.length);
  for (let i = 0; i < out.length; i++) out[i] = selected[i] === 0 ? 0 : kernel[i]!;
  return out;
}
