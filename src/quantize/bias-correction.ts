/**
 * Bias correction (Nagel et al. 2019; Banner et al. 2019): rounding a kernel W to W_q shifts the layer's mean
 * output by E[x]ᵀ(W_q − W), a systematic error the next layers see on every input. Subtracting it from the bias
 * makes the quantized layer's mean output equal the float layer's over the calibration inputs.
 */

/**
 * The bias that cancels the mean shift of a kernel [dIn, dOut] (row-major; a conv kernel's rows are its kh*kw*cin
 * patch elements) stored as `stored` instead of `kernel`, given the mean of each input row over calibration data.
 * @example correctedBias(bias, kernel, decoded, meanInput, 300) // bias[o] − Σⱼ E[xⱼ] (stored − kernel)[j, o]
 */
export function correctedBias(
  bias: ArrayLike<number> | null,
  kernel: Float32Array,
  stored: Float32Array,
  meanInput: Float64Array,
  dOut: number,
): Float32Array {
  const dIn = kernel.length / dOut;
  if (meanInput.length !== dIn) throw new Error(`Internal error: ${meanInput.length} input means for a kernel with ${dIn} rows.`);
  const shift = new Float64Array(dOut);
  for (let j = 0; j < dIn; j++) {
    const m = meanInput[j]!;
    if (m === 0) continue;
    const row = j * dOut;
    for (let o = 0; o < dOut; o++) shift[o] += m * (stored[row + o]! - kernel[row + o]!);
  }
  const out = new Float32Array(dOut);
  for (let o = 0; o < dOut; o++) out[o] = (bias ? bias[o]! : 0) - shift[o]!;
  return out;
}

/**
 * correctedBias for a depthwise kernel [kh, kw, channels, multiplier]: output channel c * multiplier + m reads only
 * channel c's patch elements, whose means come in the kernel's row order (e * channels + c).
 */
export function correctedDepthwiseBias(
  bias: ArrayLike<number> | null,
  kernel: Float32Array,
  stored: Float32Array,
  meanInput: Float64Array,
  shape: readonly number[],
): Float32Array {
  const [kh, kw, channels, multiplier] = shape as [number, number, number, number];
  const k = kh * kw;
  if (meanInput.length !== k * channels) throw new Error(`Internal error: ${meanInput.length} input means for a depthwise kernel with ${k * channels} rows.`);
  const out = new Float32Array(channels * multiplier);
  for (let c = 0; c < channels; c++) {
    for (let m = 0; m < multiplier; m++) {
      let shift = 0;
      for (let e = 0; e < k; e++) {
        const i = (e * channels + c) * multiplier + m;
        shift += meanInput[e * channels + c]! * (stored[i]! - kernel[i]!);
      }
      out[c * multiplier + m] = (bias ? bias[c * multiplier + m]! : 0) - shift;
    }
  }
  return out;
}
