/**
 * Calibrated pruning of a depthwise kernel [kh, kw, channels, multiplier]: channel c's outputs read only channel
 * c's kh*kw patch elements, so each channel is its own small layer (K = kh*kw inputs, `multiplier` outputs) with
 * its own K x K Hessian. Which weights go is chosen over the whole tensor, which keeps the tensor's exact target.
 *
 * Scores compare across channels, so they are weighed by what each output channel's error costs downstream: a
 * depthwise layer is nearly always followed by a batch norm, which multiplies channel o by γₒ / σₒ. Raw output
 * errors ignore that, and strip bare the channels whose small raw outputs the batch norm then amplifies.
 */
import { dampedGram, upperCholeskyOfInverseSteps } from '../calibrate/cholesky';
import { runSteps, type Steps } from '../calibrate/steps';
import { pruneTensor } from './magnitude';
import { obsRemoveSteps, obsSaliency, positiveScore, type ObsOptions } from './obs';

export interface DepthwiseOptions extends ObsOptions {
  /** Per output channel (c * multiplier + m), what an error there weighs downstream (1 when absent). */
  outputWeights?: Float64Array;
}

/** Kernel index of (patch element e, channel c, multiplier m): (e * channels + c) * multiplier + m. */
function channelSlice(values: ArrayLike<number>, c: number, k: number, channels: number, multiplier: number): Float32Array {
  const sub = new Float32Array(k * multiplier);
  for (let e = 0; e < k; e++) for (let m = 0; m < multiplier; m++) sub[e * multiplier + m] = values[(e * channels + c) * multiplier + m]!;
  return sub;
}

/**
 * The depthwise kernel pruned to exactly round(sparsity * n) zeros (existing zeros kept), each channel's
 * remaining weights updated from its own Gram block.
 * @param grams one K x K block per channel, c-major (capture's 'depthwise' statistics)
 * @example const pruned = depthwiseObsPrune(kernel, [3, 3, 32, 1], grams, 0.5);
 */
export function depthwiseObsPrune(kernel: Float32Array, shape: readonly number[], grams: Float64Array, sparsity: number, options: DepthwiseOptions = {}): Float32Array {
  return runSteps(depthwiseObsPruneSteps(kernel, shape, grams, sparsity, options));
}

/** depthwiseObsPrune, yielding between channels' rows (see calibrate/steps.ts). */
export function* depthwiseObsPruneSteps(
  kernel: Float32Array,
  shape: readonly number[],
  grams: Float64Array,
  sparsity: number,
  options: DepthwiseOptions = {},
): Steps<Float32Array> {
  const [kh, kw, channels, multiplier] = shape as [number, number, number, number];
  const k = kh * kw;
  if (grams.length !== channels * k * k) throw new Error(`Internal error: ${grams.length} Gram entries for ${channels} channels of ${k} x ${k}.`);
  const factors: Float64Array[] = [];
  const score = new Float32Array(kernel.length);
  for (let c = 0; c < channels; c++) {
    const gram = grams.subarray(c * k * k, (c + 1) * k * k);
    const u = yield* upperCholeskyOfInverseSteps(dampedGram(gram, k, options.dampening ?? 0.01), k, `Gram matrix of channel ${c}`);
    factors.push(u);
    const sub = channelSlice(kernel, c, k, channels, multiplier);
    const s = obsSaliency(sub, k, multiplier, u);
    for (let m = 0; m < multiplier; m++) {
      const weight = options.outputWeights?.[c * multiplier + m] ?? 1;
      for (let e = 0; e < k; e++) {
        const i = (e * channels + c) * multiplier + m;
        score[i] = positiveScore(kernel[i]!, s[e * multiplier + m]! * weight);
      }
    }
  }
  const selected = pruneTensor(score, sparsity).values;
  const out = new Float32Array(kernel.length);
  for (let c = 0; c < channels; c++) {
    const sub = channelSlice(kernel, c, k, channels, multiplier);
    const pruned = yield* obsRemoveSteps(sub, k, multiplier, factors[c]!, channelSlice(selected, c, k, channels, multiplier));
    for (let e = 0; e < k; e++) for (let m = 0; m < multiplier; m++) out[(e * channels + c) * multiplier + m] = pruned[e * multiplier + m]!;
  }
  return out;
}

/**
 * Wanda on a depthwise kernel: |w| · ‖xₑ꜀‖ times the square root of the output channel's weight (see the file's
 * comment), exactly round(sparsity * n) zeros over the tensor. `sumSquares` in the kernel's row order
 * (e * channels + c), as capture gives it.
 */
export function depthwiseWandaPrune(kernel: Float32Array, shape: readonly number[], sumSquares: Float64Array, sparsity: number, outputWeights?: Float64Array): Float32Array {
  const [kh, kw, channels, multiplier] = shape as [number, number, number, number];
  const k = kh * kw;
  const score = new Float32Array(kernel.length);
  for (let e = 0; e < k; e++) {
    for (let c = 0; c < channels; c++) {
      const norm = Math.sqrt(sumSquares[e * channels + c]!);
      for (let m = 0; m < multiplier; m++) {
        const i = (e * channels + c) * multiplier + m;
        score[i] = positiveScore(kernel[i]!, Math.abs(kernel[i]!) * norm * Math.sqrt(outputWeights?.[c * multiplier + m] ?? 1));
      }
    }
  }
  const selected = pruneTensor(score, sparsity).values;
  return kernel.map((v, i) => (selected[i] === 0 ? 0 : v));
}
