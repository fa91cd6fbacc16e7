/**
 * OBS and Wanda on a depthwise kernel, on synthetic correlated patch data: every channel its own small layer. The
 * real-model checks (nsfwjs MobileNetV2, human-emotion on photographs) are in calibrate/depthwise-*.test.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { outputError, syntheticLayer } from '../calibrate/testing/layer';
import { pruneTensor } from './magnitude';
import { obsPrune, wandaPrune } from './obs';
import { depthwiseObsPrune, depthwiseWandaPrune } from './obs-depthwise';

const zeros = (v: Float32Array) => v.reduce((n, x) => n + (x === 0 ? 1 : 0), 0);

/**
 * A depthwise layer [kh, kw, channels, multiplier] whose channel c sees its own rows of K patch elements: the
 * calibration rows give the Gram blocks and the per-row sums of squares, the held-out rows measure.
 */
function depthwiseLayer(seed: number, channels: number, k: number, multiplier: number, rows: number) {
  const kernel = new Float32Array(k * channels * multiplier);
  const grams = new Float64Array(channels * k * k);
  const sumSquares = new Float64Array(k * channels);
  const heldOut: Float64Array[] = [];
  for (let c = 0; c < channels; c++) {
    // Channels at different scales, as real activations are: saliencies must compare across them.
    const { x, kernel: sub } = syntheticLayer(seed + c, 2 * rows, k, multiplier);
    const scale = 1 + c;
    for (let i = 0; i < x.length; i++) x[i] *= scale;
    for (let r = 0; r < rows; r++) {
      for (let i = 0; i < k; i++) {
        sumSquares[i * channels + c] += x[r * k + i]! ** 2;
        for (let j = 0; j < k; j++) grams[c * k * k + i * k + j] += x[r * k + i]! * x[r * k + j]!;
      }
    }
    heldOut.push(x.subarray(rows * k));
    for (let e = 0; e < k; e++) for (let m = 0; m < multiplier; m++) kernel[(e * channels + c) * multiplier + m] = sub[e * multiplier + m]!;
  }
  /**
   * ‖X W₁ − X W₀‖² / ‖X W₀‖² on the held-out rows, summed over channels: each channel's error relative to what it
   * carries, roughly as a following batch norm sees it.
   */
  const error = (w: Float32Array) => {
    let total = 0;
    for (let c = 0; c < channels; c++) {
      const slice = (v: Float32Array) => Float32Array.from({ length: k * multiplier }, (_, i) => v[(Math.floor(i / multiplier) * channels + c) * multiplier + (i % multiplier)]!);
      const x = heldOut[c]!;
      total += outputError(x, rows, k, multiplier, slice(kernel), slice(w)) / outputError(x, rows, k, multiplier, new Float32Array(k * multiplier), slice(kernel));
    }
    return total;
  };
  /** What a batch norm after the layer would weigh each output's error by: 1 / its mean square on the calibration rows. */
  const outputWeights = Float64Array.from({ length: channels * multiplier }, (_, o) => {
    const [c, m] = [Math.floor(o / multiplier), o % multiplier];
    let energy = 0;
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) energy += kernel[(i * channels + c) * multiplier + m]! * grams[c * k * k + i * k + j]! * kernel[(j * channels + c) * multiplier + m]!;
    return rows / energy;
  });
  return { kernel, grams, sumSquares, error, outputWeights, shape: [Math.sqrt(k), Math.sqrt(k), channels, multiplier] };
}

describe('depthwiseObsPrune and depthwiseWandaPrune', () => {
  it('leave exactly round(s·n) zeros over the tensor and keep every zero already there (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 0.5, noNaN: true }), fc.integer({ min: 1, max: 2 }), (seed, s, pre, multiplier) => {
        const { kernel, grams, sumSquares, shape } = depthwiseLayer(seed, 5, 9, multiplier, 30);
        const start = pruneTensor(kernel, pre).values;
        const target = Math.max(Math.round(s * start.length), zeros(start));
        for (const out of [depthwiseObsPrune(start, shape, grams, s), depthwiseWandaPrune(start, shape, sumSquares, s), wandaPrune(start, 9 * 5, multiplier, sumSquares, s)]) {
          expect(zeros(out)).toBe(target);
          start.forEach((v, i) => v === 0 && expect(out[i]).toBe(0));
        }
      }),
      { numRuns: 40 },
    );
  });

  it('each channel is compensated with its own Hessian: the same as obsPrune on that channel alone with the chosen mask', () => {
    const channels = 4;
    const { kernel, grams, shape } = depthwiseLayer(7, channels, 9, 1, 40);
    const out = depthwiseObsPrune(kernel, shape, grams, 0.5);
    for (let c = 0; c < channels; c++) {
      const sub = Float32Array.from({ length: 9 }, (_, e) => kernel[e * channels + c]!);
      const kept = Float32Array.from({ length: 9 }, (_, e) => out[e * channels + c]!);
      // On its own, a channel pruned to the count the tensor-wide choice gave it removes the same weights.
      const alone = obsPrune(sub, 9, 1, grams.subarray(c * 81, (c + 1) * 81), zeros(kept) / 9);
      for (let e = 0; e < 9; e++) expect(alone[e]).toBeCloseTo(kept[e]!, 5);
    }
  });

  it('weighed as a batch norm after them weighs outputs, lower the held-out error it sees below magnitude pruning at the same sparsity', () => {
    const { kernel, grams, sumSquares, error, outputWeights, shape } = depthwiseLayer(3, 8, 9, 2, 60);
    const magnitude = pruneTensor(kernel, 0.5).values;
    const obs = depthwiseObsPrune(kernel, shape, grams, 0.5, { outputWeights });
    const wanda = depthwiseWandaPrune(kernel, shape, sumSquares, 0.5, outputWeights);
    expect(zeros(obs)).toBe(zeros(magnitude));
    expect(zeros(wanda)).toBe(zeros(magnitude));
    expect(error(wanda)).toBeLessThan(error(magnitude));
    expect(error(obs)).toBeLessThan(error(wanda));
  });
});
