/**
 * Test-only: real Fashion-MNIST images (Debian's dataset-fashion-mnist) written as image folders, one folder of
 * grayscale PNGs per class, the way a person would give Pare their own classes.
 */
import { readFileSync } from 'node:fs';
import { readIdxPair, type IdxImageSet } from '../../../data/idx';
import { makePng } from '../../../data/testing/make-png';
import type { InputFile } from '../../../model/types';

const DIR = '/usr/share/datasets/fashion-mnist';
/** Fashion-MNIST's class names as folder names ('/' cannot be in one). */
export const FASHION_FOLDERS = ['T-shirt_top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle_boot'];

const cache = new Map<string, IdxImageSet>();
export function fashionSet(set: 'train' | 't10k'): IdxImageSet {
  if (!cache.has(set)) {
    const read = (kind: string) => ({ name: `${set}-${kind}`, data: new Uint8Array(readFileSync(`${DIR}/${set}-${kind}.gz`)) });
    cache.set(set, readIdxPair(read('images-idx3-ubyte'), read('labels-idx1-ubyte')));
  }
  return cache.get(set)!;
}

/**
 * The first `perClass` images of each of `classes` (Fashion-MNIST class indices) from `set`, after skipping the
 * first `skip` of each class, as `<folder>/<n>.png` files under `root`.
 * @example fashionFolders('train', [0, 1], 20) // 40 PNGs in 'T-shirt_top/' and 'Trouser/'
 */
export function fashionFolders(set: 'train' | 't10k', classes: number[], perClass: number, options: { skip?: number; root?: string } = {}): InputFile[] {
  const data = fashionSet(set);
  const side = data.imageShape[0]!;
  const px = side * data.imageShape[1]!;
  const files: InputFile[] = [];
  for (const c of classes) {
    let seen = 0;
    for (let i = 0; i < data.count && seen < (options.skip ?? 0) + perClass; i++) {
      if (data.labels[i] !== c) continue;
      if (seen++ < (options.skip ?? 0)) continue;
      const png = makePng({ width: data.imageShape[1]!, height: side, colourType: 0, pixels: data.images.subarray(i * px, (i + 1) * px) });
      files.push({ name: `${options.root ? options.root + '/' : ''}${FASHION_FOLDERS[c]}/${String(i).padStart(5, '0')}.png`, data: png });
    }
  }
  return files;
}
