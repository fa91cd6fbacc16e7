import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { convertChannels, resizeBilinear, scaleCoefficients, scaledRange, writeModelInput } from './pixels';
import { inferPreprocessing, type Preprocessing } from './preprocessing';

beforeAll(async () => {
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
});

describe('convertChannels', () => {
  it('repeats gray into RGB and adds opaque alpha', () => {
    const img = { width: 2, height: 1, channels: 1, data: new Uint8Array([5, 250]) };
    expect(Array.from(convertChannels(img, 3))).toEqual([5, 5, 5, 250, 250, 250]);
    expect(Array.from(convertChannels(img, 4))).toEqual([5, 5, 5, 255, 250, 250, 250, 255]);
  });
  it('turns RGB into gray with the luma weights of tf.image.rgbToGrayscale', () => {
    const img = { width: 1, height: 1, channels: 3, data: new Uint8Array([100, 50, 200]) };
    expect(convertChannels(img, 1)[0]).toBeCloseTo(0.2989 * 100 + 0.587 * 50 + 0.114 * 200, 4);
  });
  it('keeps gray stored as RGBA exact', () => {
    const img = { width: 1, height: 1, channels: 4, data: new Uint8Array([255, 255, 255, 255]) };
    expect(convertChannels(img, 1)[0]).toBe(255);
  });
  it('drops alpha for RGB', () => {
    const img = { width: 1, height: 1, channels: 4, data: new Uint8Array([1, 2, 3, 0]) };
    expect(Array.from(convertChannels(img, 3))).toEqual([1, 2, 3]);
  });
});

describe('resizeBilinear', () => {
  it('upsamples 2x1 to 4x1 with half-pixel centres (hand-computed)', () => {
    // Output x=1 samples source x = (1 + 0.5) * 2/4 - 0.5 = 0.25: 0 * 0.75 + 100 * 0.25 = 25.
    const out = resizeBilinear(new Float32Array([0, 100]), 2, 1, 1, 4, 1);
    expect(Array.from(out)).toEqual([0, 25, 75, 100]);
  });

  it('matches tf.image.resizeBilinear(halfPixelCenters) on random RGB images, up and down', () => {
    const sw = 9;
    const sh = 6;
    const src = Float32Array.from({ length: sw * sh * 3 }, (_, i) => (i * 37) % 256);
    for (const [dw, dh] of [[4, 3], [17, 11], [9, 6], [5, 13]]) {
      const ours = resizeBilinear(src, sw, sh, 3, dw, dh);
      const theirs = tf.tidy(() =>
        tf.image.resizeBilinear(tf.tensor3d(src, [sh, sw, 3]), [dh, dw], false, true).dataSync(),
      );
      expect(ours.length).toBe(theirs.length);
      for (let i = 0; i < ours.length; i++) expect(ours[i]).toBeCloseTo(theirs[i], 3);
    }
  });
});

describe('scaling', () => {
  it('maps pixel 0 and 255 to the ends of each range', () => {
    expect(scaledRange('0,1')).toEqual([0, 1]); // exactly: a division, not a rounded multiplier
    expect(scaledRange('-1,1')).toEqual([-1, 1]);
    expect(scaledRange('0,255')).toEqual([0, 255]);
    const [lo, hi] = scaledRange({ mean: [0.5], std: [0.25] });
    expect(lo).toBeCloseTo(-2, 6);
    expect(hi).toBeCloseTo(2, 6);
  });
  it('applies mean/std per channel', () => {
    const { div, add } = scaleCoefficients({ mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] }, 3);
    expect(128 / div[1] + add[1]).toBeCloseTo((128 / 255 - 0.456) / 0.224, 5);
  });
});

describe('writeModelInput', () => {
  const pre = inferPreprocessing([null, 2, 2, 1]);
  it('scales an image already at the model size without resizing', () => {
    const out = new Float32Array(6);
    writeModelInput({ width: 2, height: 2, channels: 1, data: new Uint8Array([0, 51, 204, 255]) }, pre, out, 2);
    expect(Array.from(out.subarray(2))).toEqual([0, 0.2, 0.8, 1].map((v) => Math.fround(v)));
  });
  it('converts RGBA to gray and resizes 4x4 to 2x2', () => {
    const data = new Uint8Array(4 * 4 * 4).fill(255);
    const out = new Float32Array(4);
    writeModelInput({ width: 4, height: 4, channels: 4, data }, pre, out, 0);
    expect(Array.from(out)).toEqual([1, 1, 1, 1]);
  });
  it('writes [-1, 1] RGB for a MobileNet-style preprocessing', () => {
    const p: Preprocessing = { ...inferPreprocessing([null, 1, 1, 3]), scale: '-1,1' };
    const out = new Float32Array(3);
    writeModelInput({ width: 1, height: 1, channels: 1, data: new Uint8Array([0]) }, p, out, 0);
    expect(Array.from(out)).toEqual([-1, -1, -1]);
  });
});
