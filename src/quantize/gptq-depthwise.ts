/**
 * GPTQ for a depthwise kernel [kh, kw, channels, multiplier]: channel c's outputs read only channel c's kh*kw patch
 * elements, so each channel is its own small layer (K = kh*kw inputs, `multiplier` outputs) with its own K x K
 * Hessian, rounded on the tensor's one per-tensor grid.
 */
import { runStepsPausing } from '../calibrate/steps';
import { gptqCodesSteps, type AffineGrid } from './gptq';

/**
 * Codes for the whole kernel (same layout as its values), or null when the grid has no exact zero for its zeros.
 * @param grams one K x K block per channel, c-major (capture's 'depthwise' statistics)
 */
export async function depthwiseGptqCodes(
  kernel: Float32Array,
  shape: readonly number[],
  grams: Float64Array,
  grid: AffineGrid,
  pause: () => Promise<void>,
): Promise<Uint8Array | Uint16Array | null> {
  const [kh, kw, channels, multiplier] = shape as [number, number, number, number];
  const k = kh * kw;
  const codes = grid.bits > 8 ? new Uint16Array(kernel.length) : new Uint8Array(kernel.length);
  const sub = new Float32Array(k * multiplier);
  // Kernel index of (patch element e, channel c, multiplier m): (e * channels + c) * multiplier + m.
  for (let c = 0; c < channels; c++) {
    for (let e = 0; e < k; e++) for (let m = 0; m < multiplier; m++) sub[e * multiplier + m] = kernel[(e * channels + c) * multiplier + m]!;
    const gram = grams.subarray(c * k * k, (c + 1) * k * k);
    const got = await runStepsPausing(gptqCodesSteps(sub, k, multiplier, gram, grid), pause);
    if (!got) return null;
    for (let e = 0; e < k; e++) for (let m = 0; m < multiplier; m++) codes[(e * channels + c) * multiplier + m] = got[e * multiplier + m]!;
  }
  return codes;
}
