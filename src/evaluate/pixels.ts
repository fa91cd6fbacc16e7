/**
 * Turns decoded pixels into model input: channel conversion, bilinear resize, value scaling. Pure loops over
 * typed arrays, so the worker and Node produce the same numbers.
 */
import type { Preprocessing, Scale } from './preprocessing';

/** Interleaved 8-bit pixels, row-major: `data.length === width * height * channels`. */
export interface PixelImage {
  width: number;
  height: number;
  /** 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA. */
  channels: number;
  data: Uint8Array | Uint8ClampedArray;
}

/** tf.image.rgbToGrayscale's weights (ITU-R BT.601 luma). */
const LUMA = [0.2989, 0.587, 0.114] as const;

/**
 * Converts interleaved pixels to `to` channels: gray is repeated into RGB, RGB(A) becomes gray by luma, alpha is
 * dropped (not composited: a transparent pixel keeps its colour) or added as 255.
 */
export function convertChannels(img: PixelImage, to: number): Float32Array {
  const n = img.width * img.height;
  const from = img.channels;
  const src = img.data;
  const out = new Float32Array(n * to);
  const colour = from >= 3;
  for (let i = 0; i < n; i++) {
    const s = i * from;
    const d = i * to;
    if (to === 1) {
      // Gray stored as RGB(A) (R = G = B) stays exact: the luma weights sum to 0.9999, not 1.
      const r = src[s];
      out[d] = !colour || (r === src[s + 1] && r === src[s + 2]) ? r : LUMA[0] * r + LUMA[1] * src[s + 1] + LUMA[2] * src[s + 2];
    } else {
      const r = src[s];
      const g = colour ? src[s + 1] : r;
      const b = colour ? src[s + 2] : r;
      out[d] = r;
      out[d + 1] = g;
      out[d + 2] = b;
      if (to === 4) out[d + 3] = from === 4 ? src[s + 3] : from === 2 ? src[s + 1] : 255;
    }
  }
  return out;
}

/**
 * Bilinear resize with half-pixel centres (tf.image.resizeBilinear with halfPixelCenters: true). No
 * antialiasing when shrinking, as in TF.js.
 */
export function resizeBilinear(
  src: Float32Array,
  sw: number,
  sh: number,
  channels: number,
  dw: number,
  dh: number,
): Float32Array {
  if (sw === dw && sh === dh) return src;
  const out = new Float32Array(dw * dh * channels);
  const xs = new Int32Array(dw * 2);
  const fx = new Float32Array(dw);
  for (let x = 0; x < dw; x++) {
    const sx = Math.min(Math.max((x + 0.5) * (sw / dw) - 0.5, 0), sw - 1);
    const x0 = Math.floor(sx);
    xs[2 * x] = x0;
    xs[2 * x + 1] = Math.min(x0 + 1, sw - 1);
    fx[x] = sx - x0;
  }
  for (let y = 0; y < dh; y++) {
    const sy = Math.min(Math.max((y + 0.5) * (sh / dh) - 0.5, 0), sh - 1);
    const y0 = Math.floor(sy);
    const y1 = Math.min(y0 + 1, sh - 1);
    const fy = sy - y0;
    const row0 = y0 * sw * channels;
    const row1 = y1 * sw * channels;
    for (let x = 0; x < dw; x++) {
      const a = xs[2 * x] * channels;
      const b = xs[2 * x + 1] * channels;
      const f = fx[x];
      const o = (y * dw + x) * channels;
      for (let c = 0; c < channels; c++) {
        const top = src[row0 + a + c] * (1 - f) + src[row0 + b + c] * f;
        const bottom = src[row1 + a + c] * (1 - f) + src[row1 + b + c] * f;
        out[o + c] = top * (1 - fy) + bottom * fy;
      }
    }
  }
  return out;
}

/**
 * Per-channel divisor and offset so that scaled = v / div[c] + add[c] for a pixel value v in 0..255. A divisor
 * (in doubles) rather than a float32 multiplier, so [0, 1] scaling gives exactly v / 255 in float32, the same
 * numbers as a training script's `x / 255`.
 */
export function scaleCoefficients(scale: Scale, channels: number): { div: Float64Array; add: Float64Array } {
  const div = new Float64Array(channels);
  const add = new Float64Array(channels);
  for (let c = 0; c < channels; c++) {
    if (scale === '0,1') [div[c], add[c]] = [255, 0];
    else if (scale === '-1,1') [div[c], add[c]] = [127.5, -1];
    else if (scale === '0,255') [div[c], add[c]] = [1, 0];
    else {
      const m = scale.mean[c % scale.mean.length];
      const s = scale.std[c % scale.std.length];
      [div[c], add[c]] = [255 * s, -m / s];
    }
  }
  return { div, add };
}

/** The range scaled values span, [value of pixel 0, value of pixel 255] (per channel for mean/std). */
export function scaledRange(scale: Scale, channel = 0): [number, number] {
  const { div, add } = scaleCoefficients(scale, channel + 1);
  return [add[channel], 255 / div[channel] + add[channel]];
}

/**
 * Writes one image as model input into `out` at `offset` (height * width * channels floats, HWC), following
 * the preprocessing: channels converted, resized to height x width, scaled.
 */
export function writeModelInput(img: PixelImage, p: Preprocessing, out: Float32Array, offset: number): void {
  const { div, add } = scaleCoefficients(p.scale, p.channels);
  const c = p.channels;
  const n = p.width * p.height * c;
  // Fast path (IDX at the model's size): no intermediate arrays.
  if (img.width === p.width && img.height === p.height && img.channels === c) {
    const src = img.data;
    for (let i = 0; i < n; i++) out[offset + i] = src[i] / div[i % c] + add[i % c];
    return;
  }
  const converted = convertChannels(img, c);
  const resized = resizeBilinear(converted, img.width, img.height, c, p.width, p.height);
  for (let i = 0; i < n; i++) out[offset + i] = resized[i] / div[i % c] + add[i % c];
}
