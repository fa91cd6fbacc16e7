import { describe, expect, it } from 'vitest';
import { PareError } from '../errors';
import { AccuracyAccumulator, FidelityAccumulator, isProbabilityRow, rankOf, softmax } from './metrics';

/** Hand-computed case: 3 classes, 4 samples, probabilities, one tie. */
const OUT = [
  0.7, 0.2, 0.1, // label 0: right
  0.1, 0.6, 0.3, // label 2: predicted 1
  0.2, 0.2, 0.6, // label 2: right
  0.5, 0.5, 0.0, // label 1: a tie goes to the lower index (0), as tf.argMax: wrong
];
const LABELS = [0, 2, 2, 1];

describe('AccuracyAccumulator', () => {
  it('computes top-1, per-class accuracy, confusion and loss by hand', () => {
    const acc = new AccuracyAccumulator(3, ['a', 'b', 'c']);
    acc.update(OUT, LABELS, 4);
    const r = acc.result();
    expect(r.samples).toBe(4);
    expect(r.accuracy).toBe(0.5);
    expect(r.top5).toBeNull(); // fewer than 5 classes
    expect(r.confusion).toEqual([
      [1, 0, 0],
      [1, 0, 0],
      [0, 1, 1],
    ]);
    expect(r.perClass).toEqual([
      { name: 'a', correct: 1, total: 1, accuracy: 1 },
      { name: 'b', correct: 0, total: 1, accuracy: 0 },
      { name: 'c', correct: 1, total: 2, accuracy: 0.5 },
    ]);
    // (-ln 0.7 - ln 0.3 - ln 0.6 - ln 0.5) / 4 = (0.356675 + 1.203973 + 0.510826 + 0.693147) / 4
    expect(r.loss).toBeCloseTo(0.691155, 5);
    expect(r.outputs).toBe('probabilities');
  });

  it('gives the same result streamed over batches of any size', () => {
    const whole = new AccuracyAccumulator(3);
    whole.update(OUT, LABELS, 4);
    const streamed = new AccuracyAccumulator(3);
    streamed.update(OUT.slice(0, 3), LABELS.slice(0, 1), 1);
    streamed.update(OUT.slice(3, 9), LABELS.slice(1, 3), 2);
    streamed.update(OUT.slice(9), LABELS.slice(3), 1);
    expect(streamed.result()).toEqual(whole.result());
  });

  it('keeps earlier snapshots unchanged', () => {
    const acc = new AccuracyAccumulator(3);
    acc.update(OUT.slice(0, 3), [0], 1);
    const first = acc.result();
    acc.update(OUT.slice(3, 6), [2], 1);
    expect(first.samples).toBe(1);
    expect(first.confusion[2]).toEqual([0, 0, 0]);
  });

  it('applies softmax to outputs that are not probabilities (logits)', () => {
    const acc = new AccuracyAccumulator(2);
    acc.update([2, 0], [0], 1);
    const r = acc.result();
    // p = e^2 / (e^2 + 1) = 0.880797; -ln p = 0.126928
    expect(r.loss).toBeCloseTo(0.126928, 5);
    expect(r.outputs).toBe('logits');
    acc.update([0.3, 0.7], [1], 1);
    expect(acc.result().outputs).toBe('mixed');
  });

  it('counts top-5 with at least 5 classes', () => {
    const row = [0.1, 0.2, 0.3, 0.15, 0.05, 0.2];
    const acc = new AccuracyAccumulator(6);
    // label 0: four classes score higher, so it is 5th: in the top 5. label 4: lowest, 6th: not.
    acc.update([...row, ...row], [0, 4], 2);
    const r = acc.result();
    expect(r.top5).toBe(0.5);
    expect(r.accuracy).toBe(0);
  });

  it('scores a single-output model as two classes [1 - p, p]', () => {
    const acc = new AccuracyAccumulator(1);
    acc.update([0.9, 0.2, 0.6], [1, 0, 0], 3);
    const r = acc.result();
    expect(acc.numClasses).toBe(2);
    expect(r.accuracy).toBeCloseTo(2 / 3, 10);
    expect(r.confusion).toEqual([[1, 1], [0, 1]]);
    // (-ln 0.9 - ln 0.8 - ln 0.4) / 3 = (0.105361 + 0.223144 + 0.916291) / 3
    expect(r.loss).toBeCloseTo(0.414932, 5);
  });

  it('counts a row with NaN as wrong, with the clipped maximum loss', () => {
    const acc = new AccuracyAccumulator(3);
    acc.update([NaN, 1, 0], [1], 1);
    const r = acc.result();
    expect(r.accuracy).toBe(0);
    expect(r.perClass[1].correct).toBe(0);
    expect(r.nonFinite).toBe(1);
    expect(r.loss).toBeCloseTo(-Math.log(1e-7), 6);
  });

  it('refuses labels beyond the outputs and outputs of the wrong length', () => {
    const acc = new AccuracyAccumulator(3);
    expect(() => acc.update([1, 0, 0], [3], 1)).toThrow('Sample 1 has label 3; the model has 3 classes (0 to 2).');
    expect(() => acc.update([1, 0], [0], 1)).toThrow(PareError);
  });
});

describe('FidelityAccumulator', () => {
  it('computes agreement, mean cosine and the largest difference by hand', () => {
    const fid = new FidelityAccumulator(2);
    fid.update([1, 0, 0, 1, 3, 4], [1, 0, 1, 0, 4, 3], 3);
    const r = fid.result();
    expect(r.samples).toBe(3);
    expect(r.agreement).toBeCloseTo(1 / 3, 10); // only the first row predicts the same class
    expect(r.cosine).toBeCloseTo((1 + 0 + 24 / 25) / 3, 10); // 1, 0 (orthogonal), (12 + 12) / (5 * 5)
    expect(r.maxAbsDiff).toBe(1);
    // diff = (0,0), (1,-1), (-1,1): ||diff||² = 4; ||ref||² = 1 + 1 + 25 = 27.
    expect(r.relativeError).toBeCloseTo(Math.sqrt(4 / 27), 10);
  });

  it('measures a one-output model by its relative error where agreement and cosine cannot tell', () => {
    const fid = new FidelityAccumulator(1);
    // Same side of 0.5 and the same sign everywhere: agreement and cosine are perfect, the outputs are not.
    fid.update([0.9, 0.6, 0.2], [0.8, 0.7, 0.1], 3);
    const r = fid.result();
    expect(r.agreement).toBe(1);
    expect(r.cosine).toBe(1);
    expect(r.relativeError).toBeCloseTo(Math.sqrt(0.03 / 1.14), 10);
  });

  it('gives an infinite relative error against an all-zero reference, and NaN outputs one too', () => {
    const zeros = new FidelityAccumulator(2);
    zeros.update([0.1, 0], [0, 0], 1);
    expect(zeros.result().relativeError).toBe(Infinity);
    const nan = new FidelityAccumulator(2);
    nan.update([NaN, 1], [1, 1], 1);
    expect(nan.result().relativeError).toBe(Infinity);
  });

  it('is perfect for identical outputs, zero rows included', () => {
    const fid = new FidelityAccumulator(3);
    const out = [0.2, 0.5, 0.3, 0, 0, 0];
    fid.update(out, out, 2);
    expect(fid.result()).toEqual({ samples: 2, agreement: 1, cosine: 1, maxAbsDiff: 0, relativeError: 0 });
  });

  it('reports NaN differences as infinite, never as 0', () => {
    const fid = new FidelityAccumulator(1);
    fid.update([NaN], [0.5], 1);
    expect(fid.result().maxAbsDiff).toBe(Infinity);
  });
});

describe('helpers', () => {
  it('tells probabilities from logits', () => {
    expect(isProbabilityRow([0.25, 0.75])).toBe(true);
    expect(isProbabilityRow([0.5, 0.6])).toBe(false);
    expect(isProbabilityRow([-0.1, 1.1])).toBe(false);
  });
  it('softmax sums to 1 and survives large logits', () => {
    const p = softmax([1000, 1000, 0]);
    expect(p[0]).toBeCloseTo(0.5, 10);
    expect(p[2]).toBe(0);
  });
  it('ranks ties to the lower index', () => {
    expect(rankOf([0.5, 0.5], 0)).toBe(0);
    expect(rankOf([0.5, 0.5], 1)).toBe(1);
  });
});
