import { describe, expect, it } from 'vitest';
import type { EpochRecord } from '../../src/train/types';
import { bestEpochOf, trainingPoints } from './training-lines';

const epoch = (n: number, best: boolean, accuracy: number | null = 0.8): EpochRecord => ({
  epoch: n, loss: 1 / n, accuracy: 0.7, validationLoss: 1.2 / n, validationAccuracy: accuracy, best, seconds: 1,
});

describe('trainingPoints', () => {
  it('puts finished epochs in order, accuracy in percent, and the live point after them', () => {
    const points = trainingPoints([epoch(2, false), epoch(1, true)], { epoch: 2.5, loss: 0.4, accuracy: 0.9 });
    expect(points.map((p) => p.x)).toEqual([1, 2, 2.5]);
    expect(points[0]!.validationAccuracy).toBeCloseTo(80, 9);
    expect(points[2]).toMatchObject({ live: true, loss: 0.4, validationAccuracy: null });
  });

  it('drops a live point that an epoch report has already passed, and keeps missing validation as null', () => {
    const points = trainingPoints([epoch(1, true, null)], { epoch: 1, loss: 0.3, accuracy: null });
    expect(points).toHaveLength(1);
    expect(points[0]!.validationAccuracy).toBeNull();
    expect(trainingPoints([], { epoch: 0.25, loss: 2, accuracy: null })).toHaveLength(1);
  });
});

describe('bestEpochOf', () => {
  it('is the last epoch marked best, or null before any', () => {
    expect(bestEpochOf([epoch(1, true), epoch(2, false), epoch(3, true), epoch(4, false)])).toBe(3);
    expect(bestEpochOf([])).toBeNull();
  });
});
