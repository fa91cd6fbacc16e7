import { describe, expect, it } from 'vitest';
import { gzipSync, zipSync } from 'fflate';
import type { InputFile } from '../model/types';
import { unpackDrop } from './unpack';
import { entry, writeZip } from './testing/zip-writer';

const PYTHON_STREAMED_ZIP = [
  'UEsDBC0ACAAIAAAAIQAAAAAA//////////8MABQAbS9tb2RlbC5qc29uAQAQAAAAAAAAAAAAAAAAAAAAAACrVkpUslIwrK2mEg0A',
  'UEsHCNyIzBgNAAAAAAAAAFAAAAAAAAAAUEsDBBQACAAIAABigV0AAAAAAAAAAAAAAAAHAAAAbS93LmJpbgHIADf/AAECAwQFBgcI',
  'CQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+P0BBQkNERUZHSElKS0xNTk9QUVJT',
  'VFVWV1hZWltcXV5fYGFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6e3x9fn+AgYKDhIWGh4iJiouMjY6PkJGSk5SVlpeYmZqbnJ2e',
  'n6ChoqOkpaanqKmqq6ytrq+wsbKztLW2t7i5uru8vb6/wMHCw8TFxsdQSwcIgGEI7c0AAADIAAAAUEsBAi0DLQAIAAgAAAAhANyI',
  'zBgNAAAAUAAAAAwAAAAAAAAAAAAAAIABAAAAAG0vbW9kZWwuanNvblBLAQIUAxQACAAIAABigV2AYQjtzQAAAMgAAAAHAAAAAAAA',
  'AAAAAACAAWMAAABtL3cuYmluUEsFBgAAAAACAAIAbwAAAGUBAAAAAA==',
].join('');
const bytes = (s: string) => new TextEncoder().encode(s);
const text = (f: InputFile) => new TextDecoder().decode(f.data);
const names = (files: InputFile[]) => files.map((f) => f.name).sort();

describe('unpackDrop', () => {
  it("normalises paths: '\\\\' to '/', leading './' and '/' dropped", () => {
    const drop = unpackDrop([
      { name: '.\\mymodel\\model.json', data: bytes('{}') },
      { name: './mymodel/group1-shard1of1.bin', data: bytes('w') },
    ]);
    expect(names(drop.files)).toEqual(['mymodel/group1-shard1of1.bin', 'mymodel/model.json']);
    expect(drop.name).toBe('mymodel');
    expect(drop.folders).toEqual(['mymodel']);
  });

  it('drops junk: __MACOSX, .DS_Store, Thumbs.db, desktop.ini and hidden files, in archives too', () => {
    const zip = zipSync({
      'set/cat/1.png': bytes('p'),
      '__MACOSX/set/cat/._1.png': bytes('x'),
      'set/cat/.DS_Store': bytes('x'),
      'set/cat/THUMBS.DB': bytes('x'),
      'set/.hidden/2.png': bytes('x'),
    });
    const drop = unpackDrop([{ name: 'set.zip', data: zip }, { name: 'desktop.ini', data: bytes('x') }]);
    expect(names(drop.files)).toEqual(['set/cat/1.png']);
    expect(drop.folders).toEqual(['set', 'set/cat']);
  });

  it("unpacks a zip into its own folder and keeps its empty folders; names the drop after the zip's top folder", () => {
    const zip = writeZip([entry('flowers/rose/1.png', 'a'), entry('flowers/tulip/', new Uint8Array(0), 0)]);
    const drop = unpackDrop([{ name: 'downloads/flowers.zip', data: zip }]);
    expect(names(drop.files)).toEqual(['downloads/flowers/rose/1.png']);
    expect(drop.folders).toEqual(['downloads', 'downloads/flowers', 'downloads/flowers/rose', 'downloads/flowers/tulip']);
    expect(drop.name).toBe('downloads');
    expect(unpackDrop([{ name: 'flowers.zip', data: zipSync({ 'a.png': bytes('a'), 'b.png': bytes('b') }) }]).name).toBe('flowers');
  });

  it('gunzips .gz files under the name without .gz, and unpacks a zip inside a zip', () => {
    const inner = zipSync({ 'model.json': bytes('{"a":1}') });
    const drop = unpackDrop([
      { name: 'train-labels-idx1-ubyte.gz', data: gzipSync(bytes('labels')) },
      { name: 'outer.zip', data: zipSync({ 'm/inner.zip': inner }) },
    ]);
    expect(names(drop.files)).toEqual(['m/model.json', 'train-labels-idx1-ubyte']);
    expect(text(drop.files.find((f) => f.name === 'm/model.json')!)).toBe('{"a":1}');
    expect(drop.name).toBeNull();
  });

  it('leaves a file that only starts like a zip, and a weight shard that starts like gzip, as they are', () => {
    const notZip = new Uint8Array([0x50, 0x4b, 3, 4, 1, 2, 3]);
    const shard = new Uint8Array([0x1f, 0x8b, 8, 0, 5, 5]);
    const drop = unpackDrop([
      { name: 'w/group1-shard1of2', data: notZip },
      { name: 'w/group1-shard2of2', data: shard },
    ]);
    expect(drop.files.map((f) => f.data)).toEqual([notZip, shard]);
  });

  it('past the nesting limit, a file that only starts like a zip is kept as it is', () => {
    const lookalike = zipSync({ 'x.txt': bytes('x') });
    const outer = zipSync({ 'w/group1-shard1of1': lookalike });
    const drop = unpackDrop([{ name: 'm.zip', data: outer }], { maxDepth: 1 });
    expect(drop.files).toEqual([{ name: 'w/group1-shard1of1', data: lookalike }]);
  });

  it('reads stored and deflated entries alike and verifies them', () => {
    const data = new Uint8Array(5000).map((_, i) => (i * 7) % 251);
    const zip = writeZip([entry('a.bin', data, 0), entry('b.bin', data, 8)]);
    const drop = unpackDrop([{ name: 'x.zip', data: zip }]);
    expect(drop.files.map((f) => f.data)).toEqual([data, data]);
  });

  it("keeps folders given as names ending in '/' (no bytes), and drops junk ones", () => {
    const drop = unpackDrop([
      { name: 'set/empty/', data: new Uint8Array(0) },
      { name: 'set\\.git\\', data: new Uint8Array(0) },
      { name: 'set/a/1.png', data: bytes('p') },
    ]);
    expect(drop.files.map((f) => f.name)).toEqual(['set/a/1.png']);
    expect(drop.folders).toEqual(['set', 'set/a', 'set/empty']);
  });

  it("reads what Python's zipfile streams: data descriptors after each entry, a zip64 local header", () => {
    // zipfile.ZipFile(<unseekable stream>).open('m/model.json', 'w', force_zip64=True), then writestr('m/w.bin').
    const zip = Uint8Array.from(Buffer.from(PYTHON_STREAMED_ZIP, 'base64'));
    const drop = unpackDrop([{ name: 'py.zip', data: zip }]);
    expect(names(drop.files)).toEqual(['m/model.json', 'm/w.bin']);
    expect(text(drop.files.find((f) => f.name === 'm/model.json')!)).toBe('{"a": 1}'.repeat(10));
    expect(Array.from(drop.files.find((f) => f.name === 'm/w.bin')!.data)).toEqual(Array.from({ length: 200 }, (_, i) => i));
  });

  it('reads zip64 directory records (sizes and offset in the zip64 extra field)', () => {
    const data = new Uint8Array(3000).map((_, i) => i % 13);
    const zip = writeZip([{ ...entry('a.txt', 'first'), zip64: true }, { ...entry('w.bin', data), zip64: true }]);
    const drop = unpackDrop([{ name: 'z64.zip', data: zip }]);
    expect(drop.files.map((f) => f.data)).toEqual([bytes('first'), data]);
  });

  it('refuses a zip64 record whose size passes 2^53', () => {
    const zip = writeZip([{ ...entry('a.bin', 'x'), size: 2 ** 60, zip64: true }]);
    expect(() => unpackDrop([{ name: 'huge.zip', data: zip }])).toThrow("Entry 'a.bin' in 'huge.zip' declares sizes or an offset beyond 2^53 bytes");
  });

  it('refuses two files that end up with one name', () => {
    expect(() => unpackDrop([{ name: 'a/b.txt', data: bytes('1') }, { name: 'a\\b.txt', data: bytes('2') }])).toThrow(
      "Two files in the drop are named 'a/b.txt'",
    );
  });

  it("says when a zip holds only hidden files, naming it", () => {
    const zip = zipSync({ '__MACOSX/._m.json': bytes('x'), '.DS_Store': bytes('x') });
    expect(() => unpackDrop([{ name: 'model.zip', data: zip }])).toThrow("'model.zip' holds no files (folders and hidden files aside).");
  });
});
