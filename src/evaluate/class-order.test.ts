import { describe, expect, it } from 'vitest';
import { PareError } from '../errors';
import { naturalSort, parseLabelsFile, resolveClassOrder, unknownNamesText } from './class-order';

const FASHION = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
const file = (name: string, text: string) => ({ name, data: new TextEncoder().encode(text) });

describe('resolveClassOrder', () => {
  it('sorts folder names naturally when nothing else is given', () => {
    const o = resolveClassOrder(['dog', 'cat', '10', '2']);
    expect(o.classNames).toEqual(['2', '10', 'cat', 'dog']);
    expect(o.source).toBe('data');
    expect(o.indexOf.get('cat')).toBe(2);
  });

  it("uses the model's labels first, matching loosely where a folder cannot hold the name", () => {
    const o = resolveClassOrder(['Trouser', 'T-shirt_top', 'ankle boot', 'Cats'], { modelLabels: FASHION, labelsFile: ['x'] });
    expect(o.source).toBe('model');
    expect(o.indexOf.get('Trouser')).toBe(1);
    expect(o.indexOf.get('T-shirt_top')).toBe(0);
    expect(o.indexOf.get('ankle boot')).toBe(9);
    expect(o.unknown).toEqual(['Cats']);
    expect(unknownNamesText(o, 'folder name')).toBe(
      "folder name 'Cats' is not among the model's 10 classes (T-shirt/top, Trouser, Pullover, Dress, Coat, Sandal, ...)",
    );
  });

  it('uses a labels file when the model has no labels', () => {
    const o = resolveClassOrder(['b', 'a'], { labelsFile: ['b', 'a'] });
    expect(o.classNames).toEqual(['b', 'a']);
    expect(o.indexOf.get('b')).toBe(0);
  });

  it('reads digit folders as output indices when no name matches', () => {
    const o = resolveClassOrder(['0', '9'], { modelLabels: FASHION });
    expect(o.indexOf.get('9')).toBe(9);
    expect(o.note).toMatch(/indices/);
  });

  it('sorts 2 before 10', () => {
    expect(naturalSort(['img10', 'img2', 'img1'])).toEqual(['img1', 'img2', 'img10']);
  });
});

describe('parseLabelsFile', () => {
  it('reads lines, JSON arrays and {labels}', () => {
    expect(parseLabelsFile(file('labels.txt', '\uFEFFcat\r\ndog\n\n'))).toEqual(['cat', 'dog']);
    expect(parseLabelsFile(file('labels.json', '["a","b"]'))).toEqual(['a', 'b']);
    expect(parseLabelsFile(file('metadata.json', '{"tmVersion":"2","labels":["x"]}'))).toEqual(['x']);
  });
  it('says what is wrong with a broken one', () => {
    expect(() => parseLabelsFile(file('labels.json', '["a",'))).toThrow(/Labels file 'labels.json' looks like JSON but does not parse/);
    expect(() => parseLabelsFile(file('labels.json', '{"names":[]}'))).toThrow(/without a list of class names/);
    expect(() => parseLabelsFile(file('labels.txt', '\n  \n'))).toThrow(PareError);
  });
});
