import { describe, expect, it } from 'vitest';
import {
  formatBytes,
  formatChange,
  formatCount,
  formatEta,
  formatExactBytes,
  formatMs,
  formatPercent,
  formatPoints,
  formatShape,
  formatWholePercent,
} from './format';

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

describe('measurement formats', () => {
  it('prints milliseconds with sensible precision', () => {
    expect(formatMs(0.4)).toBe('0.40 ms');
    expect(formatMs(12.34)).toBe('12.3 ms');
    expect(formatMs(1234.4)).toBe('1,234 ms');
  });

  it('prints changes with their sign', () => {
    expect(formatPoints(-0.2)).toBe('−0.2 pt');
    expect(formatPoints(1.25)).toBe('+1.3 pt');
    expect(formatPoints(-0.01)).toBe('±0.0 pt');
    expect(formatChange(0.25)).toBe('−75%');
    expect(formatChange(1.05)).toBe('+5%');
    expect(formatChange(1.001)).toBe('±0%');
    expect(formatWholePercent(0.5)).toBe('50%');
  });

  it('prints time left', () => {
    expect(formatEta(800)).toBe('under a second');
    expect(formatEta(12_400)).toBe('12 s');
    expect(formatEta(150_000)).toBe('2 min 30 s');
  });
});
