import { readFileSync } from 'node:fs';
import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { readIdx, readIdxPair, writeIdx } from './idx';
import { pareError } from './testing/pare-error';

const DIR = '/usr/share/datasets/fashion-mnist';
const read = (name: string) => new Uint8Array(readFileSync(`${DIR}/${name}`));

/** A raw IDX header + body built by hand, independent of writeIdx. */
function rawIdx(type: number, dims: number[], body: number[] | Uint8Array): Uint8Array {
  const head = [0, 0, type, dims.length];
  for (const d of dims) head.push((d >>> 24) & 255, (d >>> 16) & 255, (d >>> 8) & 255, d & 255);
  return new Uint8Array([...head, ...body]);
}

describe('readIdx on Debian Fashion-MNIST', () => {
  it('reads the gzipped t10k images and labels', () => {
    const images = readIdx(read('t10k-images-idx3-ubyte.gz'), 't10k-images-idx3-ubyte.gz');
    expect(images.dims).toEqual([10000, 28, 28]);
    expect(images.dtype).toBe('uint8');
    expect(images.data).toBeInstanceOf(Uint8Array);
    expect(images.data.length).toBe(10000 * 28 * 28);
    // Fashion-MNIST images have dark backgrounds and bright garments: both extremes occur, and corners are 0.
    let max = 0;
    for (const v of images.data) if (v > max) max = v;
    expect(max).toBe(255);
    expect(images.data[0]).toBe(0);

    const labels = readIdx(read('t10k-labels-idx1-ubyte.gz'), 't10k-labels-idx1-ubyte.gz');
    expect(labels.dims).toEqual([10000]);
    // The test set is balanced: 1,000 of each of the 10 classes.
    const counts = new Array(10).fill(0);
    for (const l of labels.data) counts[l]++;
    expect(counts).toEqual(new Array(10).fill(1000));
    // Documented first labels of the t10k set: ankle boot, pullover, trouser, trouser, shirt.
    expect(Array.from(labels.data.slice(0, 5))).toEqual([9, 2, 1, 1, 6]);
  });

  it('reads the training set pair', () => {
    const set = readIdxPair(
      { name: 'train-images-idx3-ubyte.gz', data: read('train-images-idx3-ubyte.gz') },
      { name: 'train-labels-idx1-ubyte.gz', data: read('train-labels-idx1-ubyte.gz') },
    );
    expect(set.count).toBe(60000);
    expect(set.imageShape).toEqual([28, 28]);
    expect(set.images.length).toBe(60000 * 784);
    expect(set.labels.length).toBe(60000);
    expect(Math.max(...set.labels)).toBe(9);
  });

  it('reads the same array raw and gzipped', () => {
    const gz = read('t10k-labels-idx1-ubyte.gz');
    const viaGzip = readIdx(gz, 'a.gz');
    const raw = writeIdx(viaGzip.dims, viaGzip.data as Uint8Array);
    const viaRaw = readIdx(raw, 'a');
    expect(viaRaw.dims).toEqual(viaGzip.dims);
    expect(viaRaw.data).toEqual(viaGzip.data);
  });
});

describe('readIdx element types', () => {
  it('decodes big-endian multi-byte elements', () => {
    expect(Array.from(readIdx(rawIdx(0x09, [2], [0xff, 0x01]), 'i8').data)).toEqual([-1, 1]);
    expect(Array.from(readIdx(rawIdx(0x0b, [2], [0x01, 0x02, 0xff, 0xfe]), 'i16').data)).toEqual([258, -2]);
    expect(Array.from(readIdx(rawIdx(0x0c, [1], [0x00, 0x01, 0x00, 0x00]), 'i32').data)).toEqual([65536]);
    const f32 = readIdx(rawIdx(0x0d, [1], [0x3f, 0xc0, 0x00, 0x00]), 'f32');
    expect(f32.dtype).toBe('float32');
    expect(Array.from(f32.data)).toEqual([1.5]);
    const f64 = readIdx(rawIdx(0x0e, [1], [0xc0, 0x04, 0, 0, 0, 0, 0, 0]), 'f64');
    expect(Array.from(f64.data)).toEqual([-2.5]);
  });

  it('reads a zero-dimensional file as one element', () => {
    const a = readIdx(rawIdx(0x08, [], [7]), 'scalar');
    expect(a.dims).toEqual([]);
    expect(Array.from(a.data)).toEqual([7]);
  });
});

describe('readIdx on broken inputs', () => {
  const cases: { what: string; bytes: () => Uint8Array; message: string }[] = [
    {
      what: 'a PNG instead of IDX',
      bytes: () => new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]),
      message: "'f.idx' starts with magic number 0x89504e47; an IDX file starts with two zero bytes",
    },
    {
      what: 'an unknown element type',
      bytes: () => rawIdx(0x0a, [1], [0]),
      message: "'f.idx' has IDX element type 0x0a; supported types are 0x08 (uint8)",
    },
    {
      what: 'fewer than 4 bytes',
      bytes: () => new Uint8Array([0, 0]),
      message: "'f.idx' is 2 bytes long; an IDX file needs at least a 4-byte header.",
    },
    {
      what: 'a header cut inside the dimensions',
      bytes: () => new Uint8Array([0, 0, 8, 3, 0, 0, 0, 5]),
      message: "'f.idx' is 8 bytes long; its header declares 3 dimensions and needs 16 bytes for them.",
    },
    {
      what: 'truncated pixels',
      bytes: () => rawIdx(0x08, [2, 28, 28], new Uint8Array(2 * 784 - 10)),
      message: "'f.idx' is truncated: it is 1,574 bytes long; a uint8 array of shape 2x28x28 needs 1,584 bytes.",
    },
    {
      what: 'truncated float32 data',
      bytes: () => rawIdx(0x0d, [3], new Uint8Array(11)),
      message: "'f.idx' is truncated: it is 19 bytes long; a float32 array of shape 3 needs 20 bytes.",
    },
    {
      what: 'trailing bytes',
      bytes: () => rawIdx(0x08, [3], [1, 2, 3, 4]),
      message: "'f.idx' has trailing bytes: it is 12 bytes long; a uint8 array of shape 3 needs 11 bytes.",
    },
    {
      what: 'a gzipped file with bad IDX content',
      bytes: () => gzipSync(new Uint8Array([1, 2, 3, 4, 5])),
      message: "'f.idx' starts with magic number 0x01020304",
    },
  ];
  for (const c of cases) {
    it(`rejects ${c.what}`, () => {
      const e = pareError(() => readIdx(c.bytes(), 'f.idx'));
      expect(e.code).toBe('bad-data');
      expect(e.file).toBe('f.idx');
      expect(e.message).toContain(c.message);
    });
  }
});

describe('gzipped IDX', () => {
  // Gzip goes through src/files' bounded, CRC-checked gunzip: its errors are the container's, not the IDX's.
  it('refuses a gzip file cut short: its trailer then records a size the stream cannot hold', () => {
    const gz = gzipSync(rawIdx(0x08, [100], new Uint8Array(100).map((_, i) => i)));
    const e = pareError(() => readIdx(gz.slice(0, gz.length - 4), 'f.idx'));
    expect(e.code).toBe('bad-zip-size');
    expect(e.file).toBe('f.idx');
    expect(e.message).toContain("'f.idx' records");
    expect(e.message).toContain('damaged or cut short');
  });

  it('refuses a gzip stream broken in the middle', () => {
    const gz = gzipSync(rawIdx(0x08, [100], new Uint8Array(100).map((_, i) => (i * 31) % 256)));
    const broken = gz.slice();
    broken.fill(0xff, 12, 30);
    const e = pareError(() => readIdx(broken, 'f.idx'));
    expect(['bad-zip', 'bad-crc']).toContain(e.code);
    expect(e.message).toContain("'f.idx'");
  });

  it('refuses a gzipped IDX file whose bytes do not match its CRC-32', () => {
    const gz = gzipSync(rawIdx(0x08, [100], new Uint8Array(100)));
    gz[gz.length - 8] ^= 0xff;
    expect(pareError(() => readIdx(gz, 'f.idx.gz')).code).toBe('bad-crc');
  });
});

describe('readIdxPair', () => {
  const images = (n: number) => ({ name: 'x-images', data: writeIdx([n, 2, 2], new Uint8Array(n * 4)) });
  const labels = (n: number) => ({ name: 'x-labels', data: writeIdx([n], new Uint8Array(n)) });

  it('pairs images and labels of the same count', () => {
    const set = readIdxPair(images(3), labels(3));
    expect(set.count).toBe(3);
    expect(set.imageShape).toEqual([2, 2]);
  });

  it('names both files when the counts differ', () => {
    const e = pareError(() => readIdxPair(images(1000), labels(999)));
    expect(e.message).toBe("'x-labels' has 999 labels; 'x-images' has 1,000 images.");
    expect(e.file).toBe('x-labels');
  });

  it('rejects the files given the other way round', () => {
    const e = pareError(() => readIdxPair({ ...labels(3), name: 'a' }, { ...images(3), name: 'b' }));
    expect(e.message).toBe(
      "'a' holds a uint8 array of shape [3]; an image file holds uint8 pixels of shape [count, rows, cols].",
    );
  });

  it('rejects labels that are not one uint8 per image', () => {
    const e = pareError(() => readIdxPair(images(2), { name: 'l', data: rawIdx(0x0c, [2], new Uint8Array(8)) }));
    expect(e.message).toBe("'l' holds a int32 array of shape [2]; a label file holds uint8 labels of shape [count].");
  });
});

describe('writeIdx', () => {
  it('round-trips raw and gzipped, with the standard header', () => {
    const data = new Uint8Array(3 * 4 * 5).map((_, i) => (i * 37) % 256);
    const raw = writeIdx([3, 4, 5], data);
    expect(Array.from(raw.slice(0, 8))).toEqual([0, 0, 8, 3, 0, 0, 0, 3]);
    expect(raw.length).toBe(4 + 12 + 60);
    for (const bytes of [raw, writeIdx([3, 4, 5], data, { gzip: true })]) {
      const back = readIdx(bytes, 'rt');
      expect(back.dims).toEqual([3, 4, 5]);
      expect(back.dtype).toBe('uint8');
      expect(back.data).toEqual(data);
    }
  });

  it('gives identical gzipped bytes for identical input', () => {
    const data = new Uint8Array(500).map((_, i) => i % 7);
    expect(writeIdx([500], data, { gzip: true })).toEqual(writeIdx([500], data, { gzip: true }));
  });

  it('round-trips real test images', () => {
    const all = readIdx(read('t10k-images-idx3-ubyte.gz'), 't10k');
    const first = (all.data as Uint8Array).subarray(0, 100 * 784);
    const back = readIdx(writeIdx([100, 28, 28], first, { gzip: true }), 'subset');
    expect(back.dims).toEqual([100, 28, 28]);
    expect(back.data).toEqual(first);
  });

  it('refuses dimensions that do not match the data', () => {
    const e = pareError(() => writeIdx([2, 3], new Uint8Array(5)));
    expect(e.code).toBe('bad-options');
    expect(e.message).toBe('Dimensions [2, 3] need 6 elements; got 5.');
  });
});
