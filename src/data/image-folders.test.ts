import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { PareError } from '../errors';
import type { DataTarget } from '../evaluate/dataset';
import { readImageFolderDataset } from './image-folders';
import { openDataset } from './open-dataset';
import { nodeImageDecoder } from './node-decoder';
import { inferPreprocessing } from '../evaluate/preprocessing';
import { makePng, solidGrayPng, solidRgbPng } from './testing/make-png';

const target = (inputShape: (number | null)[], modelLabels?: string[]): DataTarget => ({
  inputShape,
  preprocessing: inferPreprocessing(inputShape),
  modelLabels,
});
const f = (name: string, data: Uint8Array) => ({ name, data });
const text = (s: string) => new TextEncoder().encode(s);

describe('readImageFolderDataset', () => {
  it('reads one folder per class, resizes, converts and scales', async () => {
    const files = [
      f('pets/dog/1.png', solidGrayPng(8, 8, 255)),
      f('pets/cat/1.png', solidRgbPng(3, 5, [0, 0, 0])),
      f('pets/cat/2.png', solidGrayPng(2, 2, 51)),
    ];
    const d = readImageFolderDataset(files, target([null, 4, 4, 1]), nodeImageDecoder);
    expect(d.kind).toBe('images');
    expect(d.size).toBe(3);
    expect(d.classNames).toEqual(['cat', 'dog']);
    expect(d.classSource).toBe('folders');
    expect(d.inputs).toBeNull();
    const b = await d.batch(0, 3);
    expect(b.count).toBe(3);
    expect(Array.from(b.labels!)).toEqual([0, 0, 1]); // files sorted: pets/cat/1, pets/cat/2, pets/dog/1
    expect(Array.from(b.inputs.subarray(0, 16))).toEqual(new Array(16).fill(0));
    expect(b.inputs[16]).toBeCloseTo(0.2, 6);
    expect(Array.from(b.inputs.subarray(32, 48))).toEqual(new Array(16).fill(1));
    expect(d.description).toBe('3 images in 2 class folders (classes from sorted folder names), resized to 4x4.');
  });

  it("orders classes by the model's labels and reports folders it does not know", async () => {
    const files = [
      f('T-shirt_top/a.png', solidGrayPng(2, 2, 10)),
      f('Bag/a.png', solidGrayPng(2, 2, 20)),
      f('Bag/b.png', solidGrayPng(2, 2, 20)),
      f('Cats/a.png', solidGrayPng(2, 2, 30)),
    ];
    const labels = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
    const d = readImageFolderDataset(files, target([null, 2, 2, 1], labels), nodeImageDecoder);
    expect(d.size).toBe(3);
    expect(d.classNames).toEqual(labels);
    const b = await d.batch(0, 3);
    expect(Array.from(b.labels!)).toEqual([8, 8, 0]);
    expect(d.skipped).toEqual([
      {
        item: "'Cats/'",
        reason: "folder name 'Cats' is not among the model's 10 classes (T-shirt/top, Trouser, Pullover, Dress, Coat, Sandal, ...); their images were not used",
        count: 1,
      },
    ]);
  });

  it('uses a labels file at the top for the class order', async () => {
    const files = [f('labels.txt', text('zebra\napple\n')), f('apple/1.png', solidGrayPng(1, 1, 0)), f('zebra/1.png', solidGrayPng(1, 1, 0))];
    const d = readImageFolderDataset(files, target([null, 1, 1, 1]), nodeImageDecoder);
    expect(d.classNames).toEqual(['zebra', 'apple']);
    expect(d.classSource).toBe('labels-file');
    expect(Array.from((await d.batch(0, 2)).labels!)).toEqual([1, 0]);
  });

  it('skips damaged files while decoding, once each, and uses the rest', async () => {
    const broken = solidGrayPng(2, 2, 1).slice();
    broken[45] ^= 0xff;
    const files = [
      f('a/1.png', solidGrayPng(2, 2, 1)),
      f('a/2.png', broken),
      f('a/3.jpg', new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0])),
      f('b/1.png', makePng({ width: 2, height: 2, colourType: 6, pixels: new Uint8Array(16).fill(200) })),
    ];
    const d = readImageFolderDataset(files, target([null, 2, 2, 3]), nodeImageDecoder);
    expect(d.size).toBe(4);
    const first = await d.batch(0, 4);
    expect(first.count).toBe(2);
    expect(Array.from(first.labels!)).toEqual([0, 1]);
    expect(first.inputs.length).toBe(2 * 12);
    await d.batch(0, 4); // read again: not reported twice
    expect(d.skipped.map((s) => s.item)).toEqual(['a/2.png', 'a/3.jpg']);
    expect(d.skipped[0].reason).toMatch(/^'a\/2.png' is a damaged PNG file: /);
    expect(d.skipped[1].reason).toMatch(/^'a\/3.jpg' is a damaged JPEG file: /);
  });

  it('reports empty folders, folders without images, loose images and other files (junk dropped by src/files)', () => {
    const files = [
      f('data/', new Uint8Array()),
      f('data/empty/', new Uint8Array()),
      f('data/notes/readme.txt', text('hi')),
      f('data/ok/1.png', solidGrayPng(1, 1, 0)),
      f('loose.png', solidGrayPng(1, 1, 0)),
      f('data/.DS_Store', text('x')),
      f('__MACOSX/data/ok/._1.png', text('x')),
    ];
    const d = openDataset(files, target([null, 1, 1, 1]), { decoder: nodeImageDecoder });
    expect(d.size).toBe(1);
    expect(d.skipped).toEqual([
      { item: "'loose.png'", reason: 'not inside a class folder (one folder per class is expected)', count: 1 },
      { item: "'data/notes/readme.txt'", reason: 'not image files (png, jpg, jpeg, gif, bmp, webp)', count: 1 },
      { item: "folder 'data/empty/'", reason: 'is empty', count: 0 },
      { item: "folder 'data/notes/'", reason: 'holds no images', count: 0 },
    ]);
  });

  it('reads images without class folders as unlabelled (loose, or in the one folder dropped)', async () => {
    const loose = readImageFolderDataset([f('b.png', solidGrayPng(2, 2, 255)), f('a.png', solidGrayPng(2, 2, 0))], target([null, 2, 2, 1]), nodeImageDecoder);
    expect(loose.labelled).toBe(false);
    expect(loose.classSource).toBe('none');
    expect(loose.description).toBe('2 unlabelled images (no class folders: fidelity to the original, and calibration), resized to 2x2.');
    const b = await loose.batch(0, 2);
    expect(b.labels).toBeNull();
    expect(Array.from(b.inputs)).toEqual([0, 0, 0, 0, 1, 1, 1, 1]); // sorted by name: a.png first
    const labels = ['T-shirt/top', 'Trouser'];
    const folder = readImageFolderDataset([f('holiday/1.png', solidGrayPng(2, 2, 0)), f('holiday/2.png', solidGrayPng(2, 2, 0))], target([null, 2, 2, 1], labels), nodeImageDecoder);
    expect(folder.labelled).toBe(false);
    expect(folder.classNames).toEqual(labels);
    expect(folder.description).toMatch(/^2 unlabelled images in 'holiday\/'/);
    // A lone folder named after one of the model's classes is that class.
    const oneClass = readImageFolderDataset([f('Trouser/1.png', solidGrayPng(2, 2, 0))], target([null, 2, 2, 1], labels), nodeImageDecoder);
    expect(oneClass.labelled).toBe(true);
    expect(Array.from((await oneClass.batch(0, 1)).labels!)).toEqual([1]);
  });

  it('refuses when no image can be used, saying what was found', () => {
    const files = [f('readme.md', text('hi'))];
    expect(() => readImageFolderDataset(files, target([null, 1, 1, 1]), nodeImageDecoder, { folders: ['x'] })).toThrow(
      "No usable images: expected one folder per class holding images; found 'readme.md' not image files (png, jpg, jpeg, gif, bmp, webp); folder 'x/' is empty.",
    );
  });

  it('refuses image folders for a model that takes features', () => {
    expect(() => readImageFolderDataset([f('a/1.png', solidGrayPng(1, 1, 0))], target([null, 13]), nodeImageDecoder)).toThrow(
      "The model's input [null, 13] takes 13 numeric features, not images; give it a CSV instead of image folders.",
    );
  });
});

describe('image folders in a zip (through openDataset)', () => {
  it('reads the same layout zipped, directory entries included', async () => {
    const zip = zipSync({
      'set/': new Uint8Array(),
      'set/dog/1.png': solidGrayPng(2, 2, 255),
      'set/cat/1.png': solidGrayPng(2, 2, 0),
      'set/bird/': new Uint8Array(),
    });
    const d = openDataset([f('set.zip', zip)], target([null, 4]), { decoder: nodeImageDecoder });
    expect(d.classNames).toEqual(['cat', 'dog']);
    expect(d.skipped).toEqual([{ item: "folder 'set/bird/'", reason: 'is empty', count: 0 }]);
    const b = await d.batch(0, 2);
    expect(Array.from(b.inputs)).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
  });

  it('refuses a damaged zip', () => {
    const zip = zipSync({ 'a/1.png': solidGrayPng(1, 1, 0) }).slice(0, 30);
    let e: unknown;
    try {
      openDataset([f('broken.zip', zip)], target([null, 1]), { decoder: nodeImageDecoder });
    } catch (err) {
      e = err;
    }
    expect(e).toBeInstanceOf(PareError);
    expect((e as PareError).code).toBe('bad-zip');
    expect((e as PareError).message).toMatch(/^'broken.zip' is not a readable zip archive/);
  });
});
