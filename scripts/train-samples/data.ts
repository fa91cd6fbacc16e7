/**
 * Debian's Fashion-MNIST (package dataset-fashion-mnist), read with Pare's own IDX reader, and the seeded
 * shuffling and batching the training loop uses.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readIdxPair, type IdxImageSet } from '../../src/data/idx';
export { seededRandom } from '../../src/seeded-random';

export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** The 10 classes in label order, as Zalando's Fashion-MNIST README lists them. */
export const FASHION_MNIST_LABELS = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];

export const PIXELS = 28 * 28;
export const CLASSES = 10;

/** Reads the 'train' or 't10k' split. */
export function readSplit(split: 'train' | 't10k', dir = FASHION_MNIST_DIR): IdxImageSet {
  const file = (kind: string) => {
    const name = `${split}-${kind}-ubyte.gz`;
    return { name, data: new Uint8Array(readFileSync(path.join(dir, name))) };
  };
  return readIdxPair(file('images-idx3'), file('labels-idx1'));
}

/** Fisher-Yates shuffle of 0..n-1 driven by `random`. */
export function permutation(n: number, random: () => number): Uint32Array {
  const p = new Uint32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

/** Pixels of the chosen images scaled to [0, 1] (p / 255), and their labels one-hot. */
export function makeBatch(set: IdxImageSet, indices: ArrayLike<number>): { xs: Float32Array; ys: Float32Array } {
  const n = indices.length;
  const xs = new Float32Array(n * PIXELS);
  const ys = new Float32Array(n * CLASSES);
  for (let k = 0; k < n; k++) {
    const i = indices[k];
    const src = set.images.subarray(i * PIXELS, (i + 1) * PIXELS);
    for (let p = 0; p < PIXELS; p++) xs[k * PIXELS + p] = src[p] / 255;
    ys[k * CLASSES + set.labels[i]] = 1;
  }
  return { xs, ys };
}
