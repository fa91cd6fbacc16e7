import { describe, expect, it } from 'vitest';
import { formatBytes, formatCount, formatExactBytes, formatPercent, formatShape } from './format';

describe('formatCount', () => {
  it('puts thousands separators in', () => {
    expect(formatCount(2619461)).toBe('2,619,461');
    expect(formatCount(0)).toBe('0');
    expect(formatCount(999)).toBe('999');
  });
});

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [812, '812 B'],
    [1023, '1,023 B'],
    [1024, '1.0 KB'],
    [12_595, '12.3 KB'],
    [1_048_575, '1.0 MB'],
    [2_619_461, '2.5 MB'],
    [5 * 1024 ** 3, '5.0 GB'],
  ])('%d bytes -> %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });

  it('gives the exact count for tooltips', () => {
    expect(formatExactBytes(2_619_461)).toBe('2,619,461 bytes');
    expect(formatExactBytes(1)).toBe('1 byte');
  });
});

describe('formatShape', () => {
  it('joins dimensions and marks unknown ones', () => {
    expect(formatShape([3, 3, 32, 64])).toBe('3 × 3 × 32 × 64');
    expect(formatShape([null, 224, 224, 3])).toBe('? × 224 × 224 × 3');
    expect(formatShape([-1, 1280])).toBe('? × 1,280');
    expect(formatShape([])).toBe('scalar');
  });
});

describe('formatPercent', () => {
  it('shows one decimal', () => {
    expect(formatPercent(0.4567)).toBe('45.7%');
    expect(formatPercent(1)).toBe('100.0%');
  });
});
