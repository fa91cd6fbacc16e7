/**
 * Against the real converter's output: two published models that tensorflowjs_converter stored as uint8. Their
 * original float weights are gone, but what survives pins the arithmetic down:
 * - a tensor whose range does not hold 0 is stored with min = its float32 minimum and scale = (max - min) / 255,
 *   so max = fround(min + 255 * scale), and affineParams(min, max) must give back the stored scale bit for bit;
 * - a tensor whose range holds 0 has an integer zero point (-min / scale), and code zero decodes to exactly 0;
 * - re-quantizing the decoded weights reproduces the stored codes, and with the stored grid, everything.
 */
import { describe, expect, it } from 'vitest';
import { quantizeAffine } from './affine';
import { affineParams, dequantizeAffine, roundHalfEven } from './params';
import { hasFixture, readRealWeights } from './real-weights.testutil';

const models = [
  { dir: 'nsfwjs-mobilenet-v2', json: 'model.json' },
  { dir: 'human-handtrack', json: 'handtrack.json' },
];

describe.each(models)('uint8 weights of $dir, as tensorflowjs_converter wrote them', ({ dir, json }) => {
  const run = hasFixture(dir) ? it : it.skip;
  const quantized = () =>
    readRealWeights(dir, json).filter((w) => w.dtype === 'float32' && w.quantization?.dtype === 'uint8');

  run('have the scale affineParams computes, where the range does not hold 0', () => {
    let checked = 0;
    for (const w of quantized()) {
      const { scale, min } = w.quantization as { scale: number; min: number };
      const constant = w.bytes.every((c) => c === 0) && scale === 1;
      if (constant || (min <= 0 && 0 <= min + 255 * scale)) continue;
      expect(Math.fround(min)).toBe(min);
      const p = affineParams(min, Math.fround(min + 255 * scale), 8);
      expect(p.scale, w.name).toBe(scale);
      expect(p.min).toBe(min);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(10);
  });

  run('have an integer zero point that decodes to exactly 0, where the range holds 0', () => {
    let checked = 0;
    for (const w of quantized()) {
      const { scale, min } = w.quantization as { scale: number; min: number };
      if (!(min <= 0 && 0 <= min + 255 * scale) || scale === 1) continue;
      const zero = roundHalfEven(-min / scale);
      expect(Math.abs(-min / scale - zero)).toBeLessThan(1e-9);
      expect(dequantizeAffine(Uint8Array.of(zero), scale, min)[0]).toBe(0);
      checked++;
    }
    expect(checked).toBeGreaterThan(100);
  });

  run('re-quantize to the stored codes; with the stored grid, to the stored scale and min too', () => {
    let sameParams = 0;
    const all = quantized();
    for (const w of all) {
      const { scale, min } = w.quantization as { scale: number; min: number };
      const decoded = dequantizeAffine(w.bytes, scale, min);
      const again = quantizeAffine(decoded, 8);
      expect(Buffer.from(again.codes).equals(Buffer.from(w.bytes)), w.name).toBe(true);
      if (again.scale === scale && again.min === min) sameParams++;
      const kept = quantizeAffine(decoded, 8, { grid: { scale, min } });
      expect([kept.scale, kept.min]).toEqual([scale, min]);
      expect(Buffer.from(kept.codes).equals(Buffer.from(w.bytes))).toBe(true);
    }
    console.log(`${dir}: ${all.length} uint8 tensors re-quantized to identical codes; ${sameParams} also to identical scale/min without the grid`);
  });
});
