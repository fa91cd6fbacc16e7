import { describe, expect, it } from 'vitest';
import type { SensitivityRow } from '../calibrate/sensitivity';
import { afterMoves, curveCosts, downMoves, lossAt, moveSequence, upMoves, widthRules, withMove, type WidthCosts } from './mixed';

/** A row whose cosine at each width is given (1 − loss). */
function row(tensor: string, params: number, losses: Record<number, number>): SensitivityRow {
  const points = Object.entries(losses).map(([bits, loss]) => ({
    setting: { kind: 'quantize' as const, bits: Number(bits) },
    accuracy: null,
    agreement: 1,
    cosine: 1 - loss,
  }));
  return { tensor, params, points, score: 0 };
}

const big = row('fc1/kernel', 235_200, { 8: 0, 4: 0.001, 3: 0.004, 2: 0.05 });
const small = row('fc3/kernel', 1_000, { 8: 0, 4: 0.002, 3: 0.02, 2: 0.3 });

describe('mixed precision moves', () => {
  it('reads losses from the curve, interpolating widths it did not measure and 0 for float16', () => {
    expect(lossAt(big, 3)).toBeCloseTo(0.004, 12);
    expect(lossAt(big, 6)).toBeCloseTo(0.0005, 12);
    expect(lossAt(big, 5)).toBeCloseTo(0.00075, 12);
    expect(lossAt(big, 16)).toBe(0);
  });

  it('lowers first the tensor that saves the most bits per unit of loss, and skips frozen ones and 2-bit ones', () => {
    const widths = new Map([['fc1/kernel', 4], ['fc3/kernel', 4]]);
    expect(downMoves(curveCosts([small, big]), widths, new Set())).toEqual([
      { tensor: 'fc1/kernel', bits: 3 },
      { tensor: 'fc3/kernel', bits: 3 },
    ]);
    expect(downMoves(curveCosts([small, big]), widths, new Set(['fc1/kernel']))).toEqual([{ tensor: 'fc3/kernel', bits: 3 }]);
    expect(downMoves(curveCosts([small, big]), new Map([['fc1/kernel', 2], ['fc3/kernel', 8]]), new Set())).toEqual([{ tensor: 'fc3/kernel', bits: 6 }]);
  });

  it('raises only small tensors below 8 bits, the most damaged first', () => {
    const other = row('fc2/kernel', 30_000, { 8: 0, 4: 0.003, 3: 0.01, 2: 0.1 });
    const widths = new Map([['fc1/kernel', 3], ['fc2/kernel', 3], ['fc3/kernel', 3]]);
    expect(upMoves(curveCosts([big, other, small]), widths, 266_200)).toEqual([{ tensor: 'fc3/kernel', bits: 8 }]);
    expect(upMoves(curveCosts([big, other, small]), widths, 400_000)).toEqual([
      { tensor: 'fc3/kernel', bits: 8 },
      { tensor: 'fc2/kernel', bits: 8 },
    ]);
  });

  it('sequences every move down to 2 bits, cheapest first, each tensor through its widths in order', () => {
    // Relative output errors as the output-error ranking gives them: 4x per bit lost, 'a' ten times as sensitive.
    const errorAt = (scale: number) => new Map([8, 6, 5, 4, 3, 2].map((b) => [b, scale * 4 ** (8 - b)]));
    const losses = new Map([['a', errorAt(1e-4)], ['b', errorAt(1e-5)]]);
    const costs: WidthCosts = { tensors: [{ tensor: 'a', params: 1000 }, { tensor: 'b', params: 1000 }], loss: (t, bits) => (bits === 16 ? 0 : losses.get(t)!.get(bits)!), floor: 1e-12 };
    const start = new Map([['a', 8], ['b', 8]]);
    const sequence = moveSequence(costs, start);
    expect(sequence).toHaveLength(10);
    // The less sensitive tensor goes down first, and every prefix is a consistent assignment of widths.
    expect(sequence[0]).toEqual({ tensor: 'b', bits: 6 });
    for (const t of ['a', 'b']) expect(sequence.filter((m) => m.tensor === t).map((m) => m.bits)).toEqual([6, 5, 4, 3, 2]);
    expect(afterMoves(start, sequence, 0)).toEqual(start);
    expect(afterMoves(start, sequence, sequence.length)).toEqual(new Map([['a', 2], ['b', 2]]));
    // Deterministic: the same costs give the same sequence, and equal tensors go by name.
    expect(moveSequence(costs, start)).toEqual(sequence);
    const twin: WidthCosts = { ...costs, loss: (_, bits) => costs.loss('a', bits) };
    expect(moveSequence(twin, start).slice(0, 2)).toEqual([{ tensor: 'a', bits: 6 }, { tensor: 'b', bits: 6 }]);
  });

  it('writes rules only for the widths that differ from the default, sorted by name', () => {
    const widths = withMove(withMove(new Map([['b', 4], ['a', 4], ['c', 4]]), { tensor: 'c', bits: 16 }), { tensor: 'a', bits: 3 });
    expect(widthRules(widths, 4)).toEqual([
      { match: 'a', precision: { bits: 3 } },
      { match: 'c', precision: 'float16' },
    ]);
  });
});
