import { describe, expect, it } from 'vitest';
import type { DataTarget } from './dataset';
import { writeIdx } from '../data/idx';
import { readIdxDataset } from '../data/idx-dataset';
import { datasetSummary, previewSamples } from './preview';
import { inferPreprocessing, withScale, type Scale } from './preprocessing';

describe('previewSamples', () => {
  const pixels = Uint8Array.from({ length: 3 * 4 }, (_, i) => i * 20);
  const images = { name: 'i.idx', data: writeIdx([3, 2, 2], pixels) };
  const labels = { name: 'l.idx', data: writeIdx([3], new Uint8Array([2, 0, 1])) };

  it('gives back the pixels, as gray RGBA, with labels and class names', async () => {
    const scales: Scale[] = ['0,1', '-1,1', { mean: [0.5], std: [0.2] }];
    for (const scale of scales) {
      const pre = withScale(inferPreprocessing([null, 2, 2, 1]), scale);
      const target: DataTarget = { inputShape: [null, 2, 2, 1], preprocessing: pre, modelLabels: ['a', 'b', 'c'] };
      const shown = await previewSamples(readIdxDataset(images, labels, target), 2);
      expect(shown).toHaveLength(2);
      expect(shown[1]).toMatchObject({ width: 2, height: 2, label: 0, className: 'a' });
      expect(Array.from(shown[1].rgba)).toEqual([80, 80, 80, 255, 100, 100, 100, 255, 120, 120, 120, 255, 140, 140, 140, 255]);
    }
  });

  it('summarises a data set without its samples', () => {
    const target: DataTarget = { inputShape: [null, 4], preprocessing: inferPreprocessing([null, 4]) };
    const s = datasetSummary(readIdxDataset(images, labels, target));
    expect(s).toMatchObject({ kind: 'idx', size: 3, sampleShape: [4], labelled: true, classSource: 'indices' });
    expect('inputs' in s).toBe(false);
    expect(() => structuredClone(s)).not.toThrow();
  });
});
