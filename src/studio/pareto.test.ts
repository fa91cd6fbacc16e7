import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { onFront, paretoFront, type TradeoffPoint } from './pareto';

const ids = (ps: TradeoffPoint[]) => ps.map((p) => p.id);

/** The definition, by brute force: not dominated by any other point. */
function dominated(p: TradeoffPoint, all: TradeoffPoint[]): boolean {
  return all.some((q) => q !== p && q.x <= p.x && q.y >= p.y && (q.x < p.x || q.y > p.y));
}

describe('paretoFront', () => {
  it('keeps the points nothing beats on both size and accuracy, sorted by size', () => {
    const points = [
      { id: 'original', x: 1_066_440, y: 0.886 },
      { id: 'p50', x: 571_844, y: 0.887 },
      { id: 'p50-u8', x: 161_327, y: 0.884 },
      { id: 'p90-4bit', x: 34_336, y: 0.61 },
      { id: 'p80', x: 258_161, y: 0.85 },
    ];
    expect(ids(paretoFront(points))).toEqual(['p90-4bit', 'p50-u8', 'p50']);
    expect(onFront(points, 'original')).toBe(false);
    expect(onFront(points, 'p50')).toBe(true);
  });

  it('keeps exact twins, drops points equal on one axis and worse on the other', () => {
    const points = [
      { id: 'a', x: 10, y: 0.5 },
      { id: 'b', x: 10, y: 0.5 },
      { id: 'c', x: 10, y: 0.4 },
      { id: 'd', x: 12, y: 0.5 },
    ];
    expect(ids(paretoFront(points))).toEqual(['a', 'b']);
  });

  it('ignores points without a measurement and handles none', () => {
    expect(paretoFront([])).toEqual([]);
    expect(ids(paretoFront([{ id: 'a', x: NaN, y: 1 }, { id: 'b', x: 3, y: 0.2 }]))).toEqual(['b']);
  });

  it('agrees with the definition on random point sets', () => {
    const point = fc.record({ x: fc.integer({ min: 0, max: 20 }), y: fc.integer({ min: 0, max: 20 }) });
    fc.assert(
      fc.property(fc.array(point, { maxLength: 30 }), (raw) => {
        const points = raw.map((p, i) => ({ id: String(i), ...p }));
        const front = paretoFront(points);
        const expected = points.filter((p) => !dominated(p, points)).map((p) => p.id);
        expect(new Set(ids(front))).toEqual(new Set(expected));
        for (let i = 1; i < front.length; i++) expect(front[i].x).toBeGreaterThanOrEqual(front[i - 1].x);
      }),
    );
  });
});
