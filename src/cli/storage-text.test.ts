import { describe, expect, it } from 'vitest';
import { storageText } from './storage-text';

describe('storageText', () => {
  it('names one width for uniform candidates and counts each width, widest first, for mixed ones', () => {
    expect(storageText({ bits: 4 })).toBe('4-bit');
    expect(storageText({ bits: 16 })).toBe('float16');
    expect(storageText({ bits: 8, widths: { 'fc1/kernel': 3, 'fc2/kernel': 2, 'fc3/kernel': 3 } })).toBe('mixed: 3-bit x2, 2-bit x1');
    expect(storageText({ bits: 8, widths: { a: 16, b: 8, c: 8, d: 4 } })).toBe('mixed: float16 x1, 8-bit x2, 4-bit x1');
    expect(storageText({ bits: 8, widths: { a: 5, b: 5 } })).toBe('5-bit');
  });
});
