import { describe, expect, it } from 'vitest';
import { parseCsv, readCsvDataset } from './csv';
import type { DataTarget } from '../evaluate/dataset';
import { inferPreprocessing } from '../evaluate/preprocessing';
import { pareError } from './testing/pare-error';

const csv = (name: string, text: string) => ({ name, data: new TextEncoder().encode(text) });
const target = (inputShape: (number | null)[], modelLabels?: string[]): DataTarget => ({
  inputShape,
  preprocessing: inferPreprocessing(inputShape),
  modelLabels,
});
const IRIS = ['setosa', 'versicolor', 'virginica'];

describe('parseCsv', () => {
  it('handles quotes, doubled quotes, CRLF, blank lines and line numbers', () => {
    const rows = parseCsv('a,b\r\n"1,5","say ""hi"""\r\n\r\n"multi\nline",2\n');
    expect(rows).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['1,5', 'say "hi"'] },
      { line: 4, cells: ['multi\nline', '2'] },
    ]);
  });
});

describe('readCsvDataset', () => {
  it('reads features and class-name labels in the model order', async () => {
    const text = 'sepal_l,sepal_w,label,petal_l\n5.1,3.5,setosa,1.4\n6.3,3.3,virginica,6.0\n5.9,3.0,versicolor,4.2\n';
    const d = readCsvDataset(csv('iris.csv', text), target([null, 3], IRIS));
    expect(d.size).toBe(3);
    expect(d.sampleShape).toEqual([3]);
    expect(Array.from(d.labels!)).toEqual([0, 2, 1]);
    expect(d.classNames).toEqual(IRIS);
    expect(d.classSource).toBe('model');
    expect(Array.from(d.inputs!)).toEqual([5.1, 3.5, 1.4, 6.3, 3.3, 6.0, 5.9, 3.0, 4.2].map(Math.fround));
    const b = await d.batch(1, 3);
    expect(b.count).toBe(2);
    expect(Array.from(b.labels!)).toEqual([2, 1]);
    expect(d.description).toBe("3 rows of 3 features from 'iris.csv', labelled by column 'label', 3 classes.");
  });

  it('reads integer labels as indices, and a chosen label column', () => {
    const d = readCsvDataset(csv('t.csv', 'x,y,target\n1,2,1\n3,4,0\n'), { ...target([null, 2]), numClasses: 2 }, { labelColumn: 'target' });
    expect(Array.from(d.labels!)).toEqual([1, 0]);
    expect(d.classNames).toEqual(['0', '1']);
    expect(d.classSource).toBe('indices');
  });

  it('sorts class names found in the data when the model has none', () => {
    const d = readCsvDataset(csv('t.csv', 'label,x\ndog,1\ncat,2\n'), target([null, 1]));
    expect(d.classNames).toEqual(['cat', 'dog']);
    expect(Array.from(d.labels!)).toEqual([1, 0]);
  });

  it('reads a CSV with no label column as unlabelled data', () => {
    const d = readCsvDataset(csv('t.tsv', 'a\tb\n1\t2\n'), target([null, 2]));
    expect(d.labelled).toBe(false);
    expect(d.labels).toBeNull();
    expect(Array.from(d.inputs!)).toEqual([1, 2]);
  });

  it('scales pixel CSVs (0..255 into an image model) like images', () => {
    const header = ['label', ...Array.from({ length: 4 }, (_, i) => `pixel${i + 1}`)].join(',');
    const d = readCsvDataset(csv('px.csv', `${header}\n1,0,51,204,255\n`), target([null, 2, 2, 1]));
    expect(Array.from(d.inputs!)).toEqual([0, 0.2, 0.8, 1].map(Math.fround));
    expect(d.description).toMatch(/values 0 to 255 read as pixels and scaled to \[0, 1\]/);
  });

  describe('stops with file, line and column on broken input', () => {
    it('a non-numeric cell', () => {
      const e = pareError(() => readCsvDataset(csv('iris.csv', 'a,b,label\n1,2,setosa\n3,abc,setosa\n'), target([null, 2], IRIS)));
      expect(e.code).toBe('bad-data');
      expect(e.file).toBe('iris.csv');
      expect(e.message).toBe("'iris.csv' line 3, column 2 ('b') holds 'abc'; expected a number.");
    });
    it('an empty cell', () => {
      const e = pareError(() => readCsvDataset(csv('t.csv', 'a,b,label\n1,,setosa\n'), target([null, 2], IRIS)));
      expect(e.message).toBe("'t.csv' line 2, column 2 ('b') is empty; expected a number.");
    });
    it('a ragged row', () => {
      const e = pareError(() => readCsvDataset(csv('t.csv', 'a,b,label\n1,2,setosa\n1,2\n'), target([null, 2], IRIS)));
      expect(e.message).toBe("'t.csv' line 3 has 2 cells; the header has 3 columns.");
    });
    it('an unknown class name', () => {
      const e = pareError(() => readCsvDataset(csv('t.csv', 'a,label\n1,setosa\n2,rose\n'), target([null, 1], IRIS)));
      expect(e.message).toBe(
        "'t.csv' line 3, column 2 ('label') holds class 'rose', which is not among the 3 classes ('setosa', 'versicolor', 'virginica').",
      );
    });
    it('a class index beyond the model outputs', () => {
      const e = pareError(() => readCsvDataset(csv('t.csv', 'a,label\n1,0\n2,3\n'), target([null, 1], IRIS)));
      expect(e.message).toBe("'t.csv' line 3, column 2 ('label') holds class index 3; the model has 3 classes (0 to 2).");
    });
    it('no header', () => {
      const e = pareError(() => readCsvDataset(csv('t.csv', '1,2,0\n'), target([null, 2])));
      expect(e.message).toMatch(/'t.csv' line 1 holds only numbers; a header row/);
    });
    it('a missing chosen label column', () => {
      const e = pareError(() => readCsvDataset(csv('t.csv', 'a,b\n1,2\n'), target([null, 1]), { labelColumn: 'y' }));
      expect(e.message).toBe("'t.csv' has no column 'y'; its columns are 'a', 'b'.");
    });
    it('a feature count the model does not take', () => {
      const e = pareError(() => readCsvDataset(csv('t.csv', 'a,b,label\n1,2,0\n'), target([null, 5])));
      expect(e.code).toBe('shape-mismatch');
      expect(e.message).toBe("'t.csv' has 2 feature columns besides the label column 'label'; the model's input [null, 5] takes 5 values per sample.");
    });
    it('an empty file', () => {
      expect(pareError(() => readCsvDataset(csv('t.csv', ''), target([null, 1]))).message).toMatch(/is empty/);
    });
  });
});
