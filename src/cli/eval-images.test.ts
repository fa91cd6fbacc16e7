/**
 * Issue 8's acceptance test: `pare eval` on a folder of JPEG Fashion-MNIST images gives the accuracy of the same
 * images as IDX within 1 point. The images are Debian's real test set (dataset-fashion-mnist), written as JPEG
 * (jpeg-js, quality 90) into one folder per class. The same images as PNG in every colour type (lossless)
 * must give the IDX figures exactly.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { encode as encodeJpeg } from 'jpeg-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeIdx } from '../data/idx';
import { makePng, type PngSpec } from '../data/testing/make-png';
import type { AccuracySummary } from './eval-report';
import { ROOT, runPare } from './testing/run-pare';

const N = 300;
const MLP = join(ROOT, 'public/samples/fashion-mlp');
const DEBIAN = '/usr/share/datasets/fashion-mnist';
const classNames = readFileSync(join(ROOT, 'public/samples/data/labels.txt'), 'utf8').trim().split('\n');

// The first N test images and labels, read the plain way (gunzip, skip the 16- and 8-byte headers).
const pixels = gunzipSync(readFileSync(join(DEBIAN, 't10k-images-idx3-ubyte.gz'))).subarray(16, 16 + N * 784);
const labels = gunzipSync(readFileSync(join(DEBIAN, 't10k-labels-idx1-ubyte.gz'))).subarray(8, 8 + N);
const image = (i: number) => pixels.subarray(i * 784, (i + 1) * 784);

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'pare-eval-images-'));
  await writeFile(join(tmp, 'images-idx3-ubyte'), writeIdx([N, 28, 28], pixels));
  await writeFile(join(tmp, 'labels-idx1-ubyte'), writeIdx([N], labels));
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

/** Writes image i of the set as `encode(i)` into `<root>/<class>/<i>.<ext>`; class folders as a file system allows. */
async function writeFolder(root: string, ext: string, encode: (i: number) => Uint8Array): Promise<string> {
  for (let i = 0; i < N; i++) {
    const dir = join(tmp, root, classNames[labels[i]].replace('/', '_'));
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, `${String(i).padStart(3, '0')}.${ext}`), encode(i));
  }
  return join(tmp, root);
}

async function evaluate(...data: string[]): Promise<AccuracySummary> {
  const r = await runPare('eval', MLP, '--data', ...data, '--json');
  expect(r.err).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.out) as AccuracySummary;
}

describe('pare eval on image folders of real Fashion-MNIST images', () => {
  it(`JPEG folders give the IDX accuracy of the same ${N} images within 1 point`, { timeout: 120_000 }, async () => {
    const folder = await writeFolder('jpeg', 'jpg', (i) => {
      const rgba = new Uint8Array(784 * 4);
      image(i).forEach((v, k) => rgba.set([v, v, v, 255], k * 4));
      return new Uint8Array(encodeJpeg({ width: 28, height: 28, data: rgba }, 90).data);
    });
    const idx = await evaluate(join(tmp, 'images-idx3-ubyte'), join(tmp, 'labels-idx1-ubyte'));
    const jpeg = await evaluate(folder);
    expect(idx.samples).toBe(N);
    // Every JPEG was decoded and used: none skipped, the classes matched by folder name.
    expect(jpeg.samples).toBe(N);
    expect(jpeg.skipped).toEqual([]);
    expect(Math.abs(jpeg.accuracy - idx.accuracy)).toBeLessThanOrEqual(0.01);
    // A sanity bound that the figures are the model's, not chance: the MLP is about 85% accurate.
    expect(idx.accuracy).toBeGreaterThan(0.75);
  });

  it('PNG folders in every colour type, bit depth and interlacing give the IDX figures exactly', { timeout: 120_000 }, async () => {
    const grayPalette = new Uint8Array(256 * 3).map((_, k) => Math.floor(k / 3));
    const kinds: ((px: Uint8Array) => Omit<PngSpec, 'width' | 'height'>)[] = [
      (px) => ({ colourType: 0, pixels: px }),
      (px) => ({ colourType: 4, pixels: Array.from(px).flatMap((v) => [v, 255]) }),
      (px) => ({ colourType: 2, pixels: Array.from(px).flatMap((v) => [v, v, v]), filters: [1, 2, 3, 4] }),
      (px) => ({ colourType: 6, pixels: Array.from(px).flatMap((v) => [v, v, v, 255]) }),
      (px) => ({ colourType: 3, pixels: px, palette: grayPalette }),
      (px) => ({ colourType: 0, bitDepth: 16, pixels: Array.from(px, (v) => v * 257) }),
      (px) => ({ colourType: 0, interlace: 1, pixels: px, filters: [4] }),
      (px) => ({ colourType: 6, bitDepth: 16, interlace: 1, pixels: Array.from(px).flatMap((v) => [v * 257, v * 257, v * 257, 65535]) }),
    ];
    const folder = await writeFolder('png', 'png', (i) => makePng({ width: 28, height: 28, ...kinds[i % kinds.length](image(i)) }));
    const idx = await evaluate(join(tmp, 'images-idx3-ubyte'), join(tmp, 'labels-idx1-ubyte'));
    const png = await evaluate(folder);
    expect(png.samples).toBe(N);
    expect(png.skipped).toEqual([]);
    expect(png.confusion).toEqual(idx.confusion);
    expect(png.loss).toBeCloseTo(idx.loss, 5);
  });
});
