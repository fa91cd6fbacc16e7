import { readFileSync } from 'node:fs';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import type { DataTarget } from '../evaluate/dataset';
import { writeIdx } from './idx';
import { looksLikeIdx, openDataset } from './open-dataset';
import { nodeImageDecoder } from './node-decoder';
import { inferPreprocessing } from '../evaluate/preprocessing';
import { solidGrayPng } from './testing/make-png';
import { deflatedZeros } from '../files/testing/hostile';
import { entry, writeZip } from '../files/testing/zip-writer';

const target = (inputShape: (number | null)[]): DataTarget => ({ inputShape, preprocessing: inferPreprocessing(inputShape) });
const f = (name: string, data: Uint8Array) => ({ name, data });
const DIR = '/usr/share/datasets/fashion-mnist';

describe('openDataset', () => {
  it('recognises the Debian IDX pair in either order', () => {
    const labels = f('t10k-labels-idx1-ubyte.gz', new Uint8Array(readFileSync(`${DIR}/t10k-labels-idx1-ubyte.gz`)));
    const images = f('t10k-images-idx3-ubyte.gz', new Uint8Array(readFileSync(`${DIR}/t10k-images-idx3-ubyte.gz`)));
    expect(looksLikeIdx(images)).toBe(true);
    const d = openDataset([labels, images], target([null, 784]));
    expect(d.kind).toBe('idx');
    expect(d.size).toBe(10000);
    expect(d.labelled).toBe(true);
  });

  it('tells raw IDX files apart by size when names say nothing', () => {
    const a = f('a', writeIdx([3, 2, 2], new Uint8Array(12)));
    const b = f('b', writeIdx([3], new Uint8Array([0, 1, 0])));
    const d = openDataset([b, a], target([null, 4]));
    expect(Array.from(d.labels!)).toEqual([0, 1, 0]);
  });

  it('reads a CSV, a zip of image folders, and image folders', () => {
    expect(openDataset([f('t.csv', new TextEncoder().encode('a,label\n1,0\n'))], target([null, 1])).kind).toBe('csv');
    const zip = zipSync({ 'a/1.png': solidGrayPng(1, 1, 0) });
    expect(openDataset([f('d.zip', zip)], target([null, 1]), { decoder: nodeImageDecoder }).kind).toBe('images');
    expect(openDataset([f('a/1.png', solidGrayPng(1, 1, 0))], target([null, 1]), { decoder: nodeImageDecoder }).kind).toBe('images');
  });

  it('says what is wrong with no data, images without a decoder, or too many IDX files', () => {
    expect(() => openDataset([], target([null, 1]))).toThrow(/No data was given/);
    expect(() => openDataset([f('a/1.png', solidGrayPng(1, 1, 0))], target([null, 1]))).toThrow(/no image decoder/);
    const idx = (n: string) => f(n, writeIdx([1], new Uint8Array(1)));
    expect(() => openDataset([idx('x'), idx('y'), idx('z')], target([null, 1]))).toThrow(
      "Found 3 IDX files ('x', 'y', 'z'); expected one images file and, optionally, its labels file.",
    );
  });

  it('data goes through the same safe unpacking as models: zip bombs, damaged gzip and budgets are refused', () => {
    const bomb = writeZip([entry('shirt/1.png', solidGrayPng(1, 1, 0)), { name: 'bag/2.png', stored: deflatedZeros(4), method: 8, crc: 0, size: 70 }]);
    expect(() => openDataset([f('photos.zip', bomb)], target([null, 1]), { decoder: nodeImageDecoder })).toThrow(
      "Entry 'bag/2.png' in 'photos.zip' inflates past the 70 bytes it declares",
    );
    const gz = writeIdx([3], new Uint8Array([0, 1, 2]), { gzip: true });
    gz[gz.length - 6] ^= 0xff;
    expect(() => openDataset([f('labels-idx1-ubyte.gz', gz)], target([null, 1]))).toThrow("'labels-idx1-ubyte.gz' is damaged");
    const big = zipSync({ 'a/1.png': solidGrayPng(30, 30, 0) });
    expect(() => openDataset([f('set.zip', big)], target([null, 1]), { decoder: nodeImageDecoder, limits: { maxBytes: 20 } })).toThrow(
      "Entry 'a/1.png' in 'set.zip' declares",
    );
  });
});
