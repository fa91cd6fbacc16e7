import { describe, expect, it } from 'vitest';
import { histogramPair } from './histogram';

describe('histogramPair', () => {
  it('bins both tensors over one range, the last bin closed', () => {
    const h = histogramPair([-1, -0.5, 0, 0.5, 1], [-1, 0, 0, 0, 1], 4);
    expect(h.min).toBe(-1);
    expect(h.max).toBe(1);
    expect(h.width).toBe(0.5);
    expect(h.before).toEqual([1, 1, 1, 2]);
    expect(h.after).toEqual([1, 0, 3, 1]);
    expect(h.zerosBefore).toBe(1);
    expect(h.zerosAfter).toBe(3);
    expect(h.distinctAfter).toBe(3);
    expect(h.count).toBe(5);
  });

  it('widens the range to hold values only the "after" tensor has', () => {
    const h = histogramPair([0.1, 0.2], [0, 0.2], 2);
    expect(h.min).toBe(0);
    expect(h.before.reduce((a, b) => a + b)).toBe(2);
    expect(h.after).toEqual([1, 1]);
  });

  it('handles a constant tensor, no "after", and skips non-finite values', () => {
    const h = histogramPair(new Float32Array([2, 2, Infinity, NaN]), null, 3);
    expect(h.min).toBe(1.5);
    expect(h.max).toBe(2.5);
    expect(h.before).toEqual([0, 2, 0]);
    expect(h.after).toBeNull();
    expect(h.zerosAfter).toBeNull();
  });

  it('counts every finite value exactly once', () => {
    const values = Float32Array.from({ length: 10_000 }, (_, i) => Math.sin(i) * 3);
    const h = histogramPair(values, values.map((v) => (Math.abs(v) < 1 ? 0 : v)), 37);
    expect(h.before.reduce((a, b) => a + b)).toBe(10_000);
    expect(h.after!.reduce((a, b) => a + b)).toBe(10_000);
    expect(h.zerosAfter).toBe(values.filter((v) => Math.abs(v) < 1).length);
  });

  it('rejects a bin count that is not a positive whole number', () => {
    expect(() => histogramPair([1], null, 0)).toThrow(/bins/);
  });
});
