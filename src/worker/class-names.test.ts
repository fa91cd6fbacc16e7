import { describe, expect, it } from 'vitest';
import { classCountFor, classNamesFromText, classNamesProblem } from './class-names';

const ten = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

describe('class names the user edits', () => {
  it('accepts one unique, non-empty name per output', () => {
    expect(classNamesProblem(ten, 10)).toBeNull();
    expect(classNamesProblem(['no', 'yes'], 1)).toBeNull();
    expect(classNamesProblem(['a', 'b', 'c'], undefined)).toBeNull();
  });

  it('says how many names are needed and how many were found', () => {
    expect(classNamesProblem(ten.slice(0, 9), 10)).toBe('10 names needed (the model has 10 outputs); found 9.');
    expect(classNamesProblem(['yes'], 1)).toBe('2 names needed (the model has 1 output, for 2 classes); found 1.');
    expect(classNamesProblem([], undefined)).toBe('At least one class name is needed; found none.');
  });

  it('names the empty and the repeated class', () => {
    expect(classNamesProblem(['a', '', 'c'], 3)).toBe('Class 1 has an empty name; every class needs one.');
    expect(classNamesProblem(['a', 'b', 'a'], 3)).toBe("'a' names both class 0 and class 2; names must be unique.");
  });

  it('reads one name per line, trimmed, without the trailing blank lines', () => {
    expect(classNamesFromText(' cat \r\ndog\n\n')).toEqual(['cat', 'dog']);
    expect(classNamesFromText('cat\n\ndog')).toEqual(['cat', '', 'dog']);
    expect(classCountFor(1)).toBe(2);
    expect(classCountFor(null)).toBeUndefined();
  });
});
