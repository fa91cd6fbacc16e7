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
