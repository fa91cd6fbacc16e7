import { describe, expect, it } from 'vitest';
import { niceAxis, niceStep } from './ticks';

describe('niceStep', () => {
  it('picks 1, 2, 2.5 or 5 times a power of ten', () => {
    expect(niceStep(100, 4)).toBe(25);
    expect(niceStep(47, 4)).toBe(20);
    expect(niceStep(0.13, 4)).toBe(0.05);
    expect(niceStep(0, 4)).toBe(1);
  });
});

describe('niceAxis', () => {
  it('rounds a size axis out to whole KiB steps from 0', () => {
    const axis = niceAxis(170_000, 990_000, { unit: 1024, floor: 0 });
    expect(axis.domain[0]).toBe(0);
    expect(axis.domain[1]).toBeGreaterThanOrEqual(990_000);
    const step = axis.ticks[1] - axis.ticks[0];
    expect(step % 1024).toBe(0);
    expect(axis.ticks.every((t, i) => i === 0 || Math.abs(t - axis.ticks[i - 1] - step) < 1e-6)).toBe(true);
  });

  it('keeps a percentage axis within 0..100 with round ticks', () => {
    const axis = niceAxis(48.2, 88.6, { ceil: 100, floor: 0 });
    expect(axis.domain[1]).toBeLessThanOrEqual(100);
    expect(axis.ticks).toContain(60);
    expect(axis.ticks.every((t) => Number.isInteger(t / 10) || Number.isInteger(t / 5))).toBe(true);
  });

  it('gives a range around a single value', () => {
    const axis = niceAxis(0.21, 0.21, { floor: 0 });
    expect(axis.domain[0]).toBeLessThanOrEqual(0.21);
    expect(axis.domain[1]).toBeGreaterThan(0.21);
    expect(axis.ticks.length).toBeGreaterThanOrEqual(2);
  });
});
