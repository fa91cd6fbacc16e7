import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validationSplit } from './split';

describe('validationSplit', () => {
  it('holds round(share * n) of each class apart (never all), covers every sample once, and repeats for a seed (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 80 }), fc.double({ min: 0, max: 0.9, noNaN: true }), fc.nat(), (labels, share, seed) => {
        const l = Int32Array.from(labels);
        const { train, validation } = validationSplit(l, share, seed);
        expect([...train, ...validation].sort((a, b) => a - b)).toEqual(labels.map((_, i) => i));
        for (const c of new Set(labels)) {
          const n = labels.filter((x) => x === c).length;
          expect([...validation].filter((i) => l[i] === c).length).toBe(Math.min(Math.round(share * n), n - 1));
        }
        expect(validationSplit(l, share, seed)).toEqual({ train, validation });
      }),
    );
  });

  it('another seed holds other samples apart', () => {
    const labels = Int32Array.from({ length: 100 }, (_, i) => i % 2);
    expect(validationSplit(labels, 0.2, 1).validation).not.toEqual(validationSplit(labels, 0.2, 2).validation);
  });
});
