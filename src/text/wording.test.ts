import { describe, expect, it } from 'vitest';
import {
  byteUnitFor,
  formatBytes,
  formatChange,
  formatCosine,
  formatCount,
  formatEta,
  formatExactBytes,
  formatMs,
  formatPercent,
  formatPoints,
  formatRelativeError,
  formatShape,
  formatStored,
  formatTarget,
  formatWholePercent,
} from './wording';

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
    [1024, '1.0 KiB'],
    [12_595, '12.3 KiB'],
    [1_048_575, '1.0 MiB'],
    [2_619_461, '2.5 MiB'],
    [5 * 1024 ** 3, '5.0 GiB'],
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

  it('does not call a shape the reader could not tell a scalar', () => {
    expect(formatShape([], true)).toBe('shape unknown');
  });
});

describe('formatPercent', () => {
  it('shows one decimal', () => {
    expect(formatPercent(0.4567)).toBe('45.7%');
    expect(formatPercent(1)).toBe('100.0%');
    expect(formatPercent(0.98765, 2)).toBe('98.77%');
  });
});

describe('formatTarget', () => {
  it('states a target to two decimals, without trailing zeros', () => {
    expect(formatTarget(0.5)).toBe('50%');
    expect(formatTarget(0.125)).toBe('12.5%');
    expect(formatTarget(0.123456)).toBe('12.35%');
    expect(formatTarget(0)).toBe('0%');
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

describe('byteUnitFor', () => {
  it('steps size axes in KiB below a MiB and in MiB from there', () => {
    expect(byteUnitFor(1024 * 1024 - 1)).toBe(1024);
    expect(byteUnitFor(1024 * 1024)).toBe(1024 * 1024);
  });
});

describe('fidelity wording', () => {
  it('never rounds a cosine below 1 up to a perfect 1.000', () => {
    expect(formatCosine(1)).toBe('1.000');
    expect(formatCosine(0.99996)).toBe('> 0.999');
    expect(formatCosine(0.98765)).toBe('0.988');
    expect(formatCosine(-0.5)).toBe('-0.500');
  });

  it('prints relative errors as percentages with two significant digits', () => {
    expect(formatRelativeError(0)).toBe('0%');
    expect(formatRelativeError(0.01234)).toBe('1.2%');
    expect(formatRelativeError(0.5)).toBe('50%');
    expect(formatRelativeError(0.00001)).toBe('< 0.01%');
    expect(formatRelativeError(Infinity)).toBe('Infinity');
  });
});

describe('formatStored', () => {
  it.each([
    [{ dtype: 'float32' }, 'float32'],
    [{ dtype: 'float16' }, 'float16'],
    [{ dtype: 'uint8', bits: 8 }, 'uint8'],
    [{ dtype: 'uint8', bits: 4 }, 'uint8 (4-bit)'],
    [{ dtype: 'uint16', bits: 16 }, 'uint16'],
    [{ dtype: 'uint8' }, 'uint8'],
  ])('%o -> %s', (form, text) => {
    expect(formatStored(form)).toBe(text);
  });
});
