/**
 * How much a change of a kernel's weights changes its layer's output on the calibration data, from the Gram matrix
 * H = XᵀX a capture already holds: ‖X·ΔW‖² = tr(ΔWᵀ H ΔW), no model pass needed. Relative to the layer's output
 * energy ‖X·W‖² = tr(Wᵀ H W) it is the layer's noise-to-signal ratio (1 / SQNR), which is what the search ranks
 * mixed-precision moves by when measuring each tensor's true sensitivity curve would cost a model pass per tensor,
 * width and sample (src/auto/output-error-costs.ts).
 *
 * Layouts as capture.ts gives them: a kernel row-major [dIn, dOut] with a dIn x dIn Gram matrix; a depthwise kernel
 * [kh, kw, channels, multiplier] with one K x K block per channel (K = kh*kw), c-major.
 */
import type { InputStats } from './capture';

type Values = ArrayLike<number>;

/**
 * tr(Dᵀ H D) for the kernel-shaped `d` (a weight change, or the weights themselves), over the layer's Gram matrix
 * (full, or per-channel blocks for a depthwise kernel).
 */
export function gramWeightedEnergy(d: Values, shape: readonly number[], gram: Float64Array): number {
  const dOut = shape[shape.length - 1]!;
  const dIn = d.length / dOut;
  if (gram.length === dIn * dIn) return fullEnergy(d, dIn, dOut, gram);
  if (shape.length === 4 && gram.length === dIn * shape[0]! * shape[1]!) return depthwiseEnergy(d, shape, gram);
  throw new Error(`Internal error: a Gram matrix of ${gram.length} entries fits neither a [${dIn}, ${dOut}] kernel nor its depthwise blocks.`);
}

/** Σ_o Σ_ij D[i,o] H[i,j] D[j,o], as Σ_i Σ_o D[i,o] (H D)[i,o]. */
function fullEnergy(d: Values, dIn: number, dOut: number, gram: Float64Array): number {
  const hd = new Float64Array(dOut);
  let total = 0;
  for (let i = 0; i < dIn; i++) {
    hd.fill(0);
    const hRow = i * dIn;
    for (let j = 0; j < dIn; j++) {
      const h = gram[hRow + j]!;
      if (h === 0) continue;
      const dRow = j * dOut;
      for (let o = 0; o < dOut; o++) hd[o] += h * d[dRow + o]!;
    }
    const dRow = i * dOut;
    for (let o = 0; o < dOut; o++) total += d[dRow + o]! * hd[o]!;
  }
  return total;
}

/** Channel c's outputs read only its K patch elements: Σ_c Σ_m D_c[:,m]ᵀ G_c D_c[:,m]. */
function depthwiseEnergy(d: Values, shape: readonly number[], grams: Float64Array): number {
  const [kh, kw, channels, multiplier] = shape as [number, number, number, number];
  const k = kh * kw;
  // Kernel index of (patch element e, channel c, multiplier m): (e * channels + c) * multiplier + m.
  const at = (e: number, c: number, m: number) => d[(e * channels + c) * multiplier + m]!;
  let total = 0;
  for (let c = 0; c < channels; c++) {
    const g = c * k * k;
    for (let m = 0; m < multiplier; m++) {
      for (let e = 0; e < k; e++) {
        const de = at(e, c, m);
        if (de === 0) continue;
        let s = 0;
        for (let f = 0; f < k; f++) s += grams[g + e * k + f]! * at(f, c, m);
        total += de * s;
      }
    }
  }
  return total;
}

/** ‖XV‖² over the calibration rows for the kernel-shaped `v`; with no statistics, ‖V‖² (H = I). */
export function layerEnergy(v: Values, shape: readonly number[], stats: Pick<InputStats, 'gram'> | null): number {
  if (stats?.gram) return gramWeightedEnergy(v, shape, stats.gram);
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  return s;
}

/**
 * ‖X(W' − W)‖² / ‖XW‖² over the calibration rows: the layer's output error when `changed` replaces `original`,
 * relative to its output. Without statistics (a kernel the capture does not cover), the same ratio with H = I:
 * ‖W' − W‖² / ‖W‖², the weights' own relative error. 0 when nothing changed; Infinity when a layer with no output
 * energy (all zero, or fed only zeros) changes. `signal` is ‖XW‖², passed when the caller has it already (it does
 * not depend on the change).
 */
export function relativeOutputError(
  original: Values,
  changed: Values,
  shape: readonly number[],
  stats: Pick<InputStats, 'gram'> | null,
  signal = layerEnergy(original, shape, stats),
): number {
  const delta = new Float64Array(original.length);
  let changes = false;
  for (let i = 0; i < delta.length; i++) {
    delta[i] = changed[i]! - original[i]!;
    if (delta[i] !== 0) changes = true;
  }
  if (!changes) return 0;
  // A Gram-weighted energy is ≥ 0 in exact arithmetic; rounding can leave a tiny negative one.
  const error = Math.max(0, layerEnergy(delta, shape, stats));
  if (error === 0) return 0;
  return signal > 0 ? error / signal : Infinity;
}
