import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { outputError, syntheticLayer } from '../calibrate/testing/layer';
import { gptqCodes } from './gptq';
import { quantizeAffine } from './affine';
import { dequantizeAffine } from './params';

describe('gptqCodes', () => {
  it('stays on the nearest-rounding grid and keeps every zero (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 2, max: 8 }), fc.boolean(), (seed, bits, pruned) => {
        const [rows, dIn, dOut] = [40, 16, 6];
        const { gram, kernel } = syntheticLayer(seed, rows, dIn, dOut);
        if (pruned) kernel.forEach((v, i) => Math.abs(v) < 0.4 && (kernel[i] = 0));
        const nearest = quantizeAffine(kernel, bits);
        const codes = gptqCodes(kernel, dIn, dOut, gram, { scale: nearest.scale, min: nearest.min, bits })!;
        expect(codes).not.toBeNull();
        expect(Math.max(...codes)).toBeLessThanOrEqual(2 ** bits - 1);
        const values = dequantizeAffine(codes, nearest.scale, nearest.min);
        kernel.forEach((v, i) => v === 0 && expect(values[i]).toBe(0));
      }),
      { numRuns: 40 },
    );
  });

  it('at 3 bits cuts the output error of nearest rounding by a wide margin on correlated inputs', () => {
    const [rows, dIn, dOut] = [200, 32, 8];
    const { x, gram, kernel } = syntheticLayer(7, rows, dIn, dOut);
    const nearest = quantizeAffine(kernel, 3);
    const values = dequantizeAffine(gptqCodes(kernel, dIn, dOut, gram, { scale: nearest.scale, min: nearest.min, bits: 3 })!, nearest.scale, nearest.min);
    const near = dequantizeAffine(nearest.codes, nearest.scale, nearest.min);
    expect(outputError(x, rows, dIn, dOut, kernel, values)).toBeLessThan(0.6 * outputError(x, rows, dIn, dOut, kernel, near));
  });
});
