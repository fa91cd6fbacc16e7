import { describe, expect, it } from 'vitest';
import { costOf, sensitivityLines } from './sensitivity-lines';

const point = (sparsity: number, accuracy: number, cosine = 0.9) => ({ setting: { kind: 'prune' as const, sparsity }, accuracy, agreement: 1, cosine });
const rows = [
  { tensor: 'a', params: 1, score: 1, points: [point(0.5, 0.89), point(0.9, 0.88), { setting: { kind: 'quantize' as const, bits: 2 }, accuracy: 0.5, agreement: 1, cosine: 0.5 }] },
  { tensor: 'b', params: 1, score: 5, points: [point(0.5, 0.85), point(0.9, 0.8)] },
];

describe('sensitivityLines', () => {
  it('draws the most sensitive layers first, pruning points only, from 0 at 0%', () => {
    const lines = sensitivityLines(rows, 0.9);
    expect(lines.map((l) => l.tensor)).toEqual(['b', 'a']);
    expect(lines[1]!.points.map((p) => p.x)).toEqual([0, 50, 90]);
    expect(lines[0]!.points[2]!.y).toBeCloseTo(10, 9);
    expect(sensitivityLines(rows, 0.9, 1)).toHaveLength(1);
  });

  it('reads cosine lost without labels', () => {
    expect(costOf(point(0.5, 0.1, 0.97), null)).toBeCloseTo(3, 9);
    expect(costOf({ ...point(0.5, 0.1), accuracy: null }, 0.9)).toBeNull();
  });
});
