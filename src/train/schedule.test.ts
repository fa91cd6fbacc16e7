import { describe, expect, it } from 'vitest';
import { pruneUpdates, scheduleFor, sparsityAt } from './schedule';

describe('the cubic sparsity schedule of Zhu & Gupta', () => {
  const s = { from: 0.5, to: 0.9, beginStep: 10, endStep: 110, every: 25 };

  it('follows s_f + (s_i - s_f)(1 - t/T)^3 between its ends', () => {
    expect(sparsityAt(s, 0)).toBe(0.5);
    expect(sparsityAt(s, 10)).toBe(0.5);
    // t = 50 of T = 100 from t0: 0.9 - 0.4 * 0.125
    expect(sparsityAt(s, 60)).toBeCloseTo(0.85, 12);
    expect(sparsityAt(s, 35)).toBeCloseTo(0.9 - 0.4 * 0.75 ** 3, 12);
    expect(sparsityAt(s, 110)).toBe(0.9);
    expect(sparsityAt(s, 500)).toBe(0.9);
  });

  it('prunes every Δt steps from t0 and last exactly at t1, rising monotonically', () => {
    const u = pruneUpdates(s);
    expect(u.map((x) => x.step)).toEqual([10, 35, 60, 85, 110]);
    expect(u[0]!.sparsity).toBe(0.5);
    expect(u[u.length - 1]!.sparsity).toBe(0.9);
    for (let i = 1; i < u.length; i++) expect(u[i]!.sparsity).toBeGreaterThan(u[i - 1]!.sparsity);
  });

  it('fits a run: ends at three quarters of the steps with about 30 updates, or at once when the run is one step', () => {
    const r = scheduleFor(0, 0.95, 1000);
    expect(r).toEqual({ from: 0, to: 0.95, beginStep: 0, endStep: 750, every: 25 });
    expect(pruneUpdates(r)).toHaveLength(31);
    expect(pruneUpdates(scheduleFor(0.2, 0.8, 1))).toEqual([{ step: 0, sparsity: 0.8 }]);
  });
});
