import { describe, expect, it } from 'vitest';
import { metricsFor, resolveMetric, tickDecimals } from './quality-metrics';

describe('quality metrics', () => {
  it('offers accuracy with labels and the three comparisons with the original without', () => {
    expect(metricsFor('accuracy').map((m) => m.id)).toEqual(['accuracy']);
    expect(metricsFor('fidelity').map((m) => m.id)).toEqual(['cosine', 'relative-error', 'agreement']);
    expect(resolveMetric('fidelity', 'agreement').id).toBe('agreement');
    expect(resolveMetric('fidelity', 'accuracy').id).toBe('cosine');
  });

  it('gives ticks the decimals they need to read apart', () => {
    expect(tickDecimals([0, 25, 50, 75, 100])).toBe(0);
    expect(tickDecimals([95, 97.5, 100])).toBe(1);
    expect(tickDecimals([0.99, 0.995, 1])).toBe(3);
    expect(tickDecimals([1 / 3])).toBe(4);
  });
});
