import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PareError } from '../errors';
import type { DataTarget } from '../evaluate/dataset';
import { readIdx, writeIdx } from './idx';
import { readIdxDataset } from './idx-dataset';
import { inferPreprocessing } from '../evaluate/preprocessing';

const DIR = '/usr/share/datasets/fashion-mnist';
const file = (name: string) => ({ name, data: new Uint8Array(readFileSync(`${DIR}/${name}`)) });
const FASHION = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
const target = (inputShape: (number | null)[], extra: Partial<DataTarget> = {}): DataTarget => ({
  inputShape,
  preprocessing: inferPreprocessing(inputShape),
  ...extra,
});

describe('readIdxDataset on Debian Fashion-MNIST t10k', () => {
  const images = file('t10k-images-idx3-ubyte.gz');
  const labels = file('t10k-labels-idx1-ubyte.gz');
  const raw = readIdx(images.data, images.name).data as Uint8Array;
  const rawLabels = readIdx(labels.data, labels.name).data as Uint8Array;

  it('gives 10,000 samples scaled to [0, 1], in the model layout, with the model labels', async () => {
    const d = readIdxDataset(images, labels, target([null, 28, 28, 1], { modelLabels: FASHION }));
    expect(d.size).toBe(10000);
    expect(d.sampleShape).toEqual([28, 28, 1]);
    expect(d.classNames).toEqual(FASHION);
    expect(d.classSource).toBe('model');
    expect(d.skipped).toEqual([]);
    // Exactly pixel / 255 in float32, as a training script's x / 255 gives.
    for (const i of [0, 1, 400, 783, 784 * 9999 + 500]) expect(d.inputs![i]).toBe(Math.fround(raw[i] / 255));
    expect(Array.from(d.labels!.subarray(0, 20))).toEqual(Array.from(rawLabels.subarray(0, 20)));
    const b = await d.batch(9990, 10010);
    expect(b.count).toBe(10);
    expect(b.inputs.length).toBe(10 * 784);
    expect(d.description).toBe(
      "10,000 images of 28x28 from 't10k-images-idx3-ubyte.gz', labelled by 't10k-labels-idx1-ubyte.gz', 10 classes.",
    );
  });

  it('fits a flat [null, 784] input, and uses metadata scaling', () => {
    const pre = inferPreprocessing([null, 784], { pare: { preprocessing: { scale: [-1, 1] } } });
    const d = readIdxDataset(images, labels, { inputShape: [null, 784], preprocessing: pre });
    expect(d.sampleShape).toEqual([784]);
    expect(d.inputs![0]).toBe(-1);
    const i = raw.findIndex((v) => v === 255);
    expect(d.inputs![i]).toBe(1);
    expect(d.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(d.classSource).toBe('indices');
  });

  it('resizes to a model that takes another size, and says so', () => {
    const d = readIdxDataset(images, labels, target([null, 14, 14, 3]));
    expect(d.sampleShape).toEqual([14, 14, 3]);
    expect(d.description).toMatch(/resized from 28x28 to 14x14/);
    // Gray repeated into RGB.
    expect(d.inputs![3 * 100]).toBe(d.inputs![3 * 100 + 1]);
  });

  it('reads images without labels for fidelity', () => {
    const d = readIdxDataset(images, null, target([null, 784]));
    expect(d.labelled).toBe(false);
    expect(d.labels).toBeNull();
    expect(d.description).toMatch(/unlabelled/);
  });
});

describe('readIdxDataset on broken or mismatched files', () => {
  const pixels = new Uint8Array(5 * 4).map((_, i) => i * 12);
  const imgs = { name: 'imgs.idx', data: writeIdx([5, 2, 2], pixels) };

  it('skips labels beyond the model classes, saying which', () => {
    const labels = { name: 'labels.idx', data: writeIdx([5], new Uint8Array([0, 12, 1, 12, 11])) };
    const d = readIdxDataset(imgs, labels, target([null, 4], { modelLabels: ['a', 'b'] }));
    expect(d.size).toBe(2);
    expect(Array.from(d.labels!)).toEqual([0, 1]);
    expect(d.skipped).toEqual([
      { item: 'samples 2 and 4', reason: "label 12 is beyond the model's 2 classes (0 to 1)", count: 2 },
      { item: 'sample 5', reason: "label 11 is beyond the model's 2 classes (0 to 1)", count: 1 },
    ]);
    expect(d.description).toMatch(/; 3 skipped\.$/);
    // The kept samples are samples 1 and 3.
    expect(d.inputs![4]).toBe(Math.fround(pixels[8] / 255));
  });

  it('refuses when no label fits', () => {
    const labels = { name: 'labels.idx', data: writeIdx([5], new Uint8Array(5).fill(7)) };
    expect(() => readIdxDataset(imgs, labels, target([null, 4], { numClasses: 3 }))).toThrow(
      "Nothing to evaluate: no label in 'labels.idx' fits the model's 3 classes.",
    );
  });

  it('refuses labels that do not match the images in number', () => {
    const labels = { name: 'labels.idx', data: writeIdx([4], new Uint8Array(4)) };
    expect(() => readIdxDataset(imgs, labels, target([null, 4]))).toThrow("'labels.idx' has 4 labels; 'imgs.idx' has 5 images.");
  });

  it('refuses images the model input cannot take', () => {
    const labels = { name: 'labels.idx', data: writeIdx([5], new Uint8Array(5)) };
    const e = (() => {
      try {
        readIdxDataset(imgs, labels, target([null, 7]));
      } catch (err) {
        return err as PareError;
      }
    })();
    expect(e).toBeInstanceOf(PareError);
    expect(e!.code).toBe('shape-mismatch');
  });

  it('refuses a truncated images file', () => {
    const data = writeIdx([5, 2, 2], pixels).subarray(0, 20);
    expect(() => readIdxDataset({ name: 'cut.idx', data }, null, target([null, 4]))).toThrow(/'cut.idx' is truncated/);
  });
});
