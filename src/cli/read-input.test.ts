import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { readInput } from './read-input';
import { openModel } from '../formats/index';
import { PareError } from '../errors';
import { REAL } from '../formats/testing/files';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pare-read-input-'));
  const model = {
    modelTopology: { node: [] },
    weightsManifest: [{ paths: ['my%20weights.bin', 'sub/part2.bin'], weights: [{ name: 'w', shape: [2], dtype: 'float32' }] }],
  };
  await mkdir(join(dir, 'm', 'sub'), { recursive: true });
  await mkdir(join(dir, 'm', '.git'), { recursive: true });
  await writeFile(join(dir, 'm', 'model.json'), JSON.stringify(model));
  await writeFile(join(dir, 'm', 'my weights.bin'), new Uint8Array(4));
  await writeFile(join(dir, 'm', 'sub', 'part2.bin'), new Uint8Array(4));
  await writeFile(join(dir, 'm', 'unrelated.csv'), 'a,b\n');
  await writeFile(join(dir, 'm', '.git', 'HEAD'), 'ref');
  await writeFile(join(dir, 'm', '.DS_Store'), 'x');
  await writeFile(join(dir, 'model.zip'), zipSync({ 'model.json': new TextEncoder().encode('{}') }));
});

afterAll(() => rm(dir, { recursive: true, force: true }));

describe('readInput', () => {
  it('an empty folder, or one of hidden files only, is refused naming the folder', async () => {
    await mkdir(join(dir, 'empty', 'sub'), { recursive: true });
    await mkdir(join(dir, 'hidden'), { recursive: true });
    await writeFile(join(dir, 'hidden', '.DS_Store'), 'x');
    await expect(readInput(join(dir, 'empty'))).rejects.toMatchObject({
      code: 'empty-input',
      message: `The folder '${join(dir, 'empty')}' holds no files; expected a model's or a data set's files.`,
    });
    await expect(readInput(join(dir, 'hidden'))).rejects.toMatchObject({
      code: 'empty-input',
      message: `The folder '${join(dir, 'hidden')}' holds only hidden or system files ('hidden/.DS_Store'); expected a model's or a data set's files.`,
    });
  });

  it('a folder: every file, named like a dropped folder, without dot-files', async () => {
    const files = await readInput(join(dir, 'm') + '/');
    expect(files.map((f) => f.name)).toEqual(['m/model.json', 'm/my weights.bin', 'm/sub/part2.bin', 'm/unrelated.csv']);
  });

  it('a model JSON: itself and the shards its manifest names (URL-decoded, in sub-folders), nothing else', async () => {
    const files = await readInput(join(dir, 'm', 'model.json'));
    expect(files.map((f) => f.name)).toEqual(['model.json', 'my weights.bin', 'sub/part2.bin']);
  });

  it('a zip: the archive itself, for the zip reader', async () => {
    const files = await readInput(join(dir, 'model.zip'));
    expect(files.map((f) => f.name)).toEqual(['model.zip']);
  });

  it('a path that does not exist is a clear error', async () => {
    await expect(readInput(join(dir, 'nope.json'))).rejects.toThrow(PareError);
    await expect(readInput(join(dir, 'nope.json'))).rejects.toThrow(/There is no file or folder at '.*nope\.json'/);
  });

  it('a real model opens the same from its folder and from its JSON file', async () => {
    const fromFolder = await openModel(await readInput(join(REAL, 'human-emotion')));
    const fromJson = await openModel(await readInput(join(REAL, 'human-emotion', 'emotion.json')));
    expect(fromFolder.modelJsonName).toBe('human-emotion/emotion.json');
    expect(fromJson.modelJsonName).toBe('emotion.json');
    const bytes = (m: typeof fromJson) => Buffer.from(m.artifacts.weightData as ArrayBuffer);
    expect(bytes(fromJson).equals(bytes(fromFolder))).toBe(true);
  });

  it('a real model cut into shards opens from one buffer it read them into, in manifest order, not from a copy', async () => {
    const json = JSON.parse(await readFile(join(REAL, 'human-emotion', 'emotion.json'), 'utf8'));
    const bin = new Uint8Array(await readFile(join(REAL, 'human-emotion', 'emotion.bin')));
    // Three shards named so that name order is not manifest order (shard10 sorts before shard2).
    const names = ['group1-shard2of3.bin', 'group1-shard10of3.bin', 'group1-shard1of3.bin'];
    const cut = [0, 1000, Math.floor(bin.length / 2), bin.length];
    await mkdir(join(dir, 'cut'), { recursive: true });
    await writeFile(join(dir, 'cut', 'model.json'), JSON.stringify({ ...json, weightsManifest: [{ ...json.weightsManifest[0], paths: names }] }));
    for (let i = 0; i < 3; i++) await writeFile(join(dir, 'cut', names[i]!), bin.subarray(cut[i], cut[i + 1]));
    const whole = await openModel(await readInput(join(REAL, 'human-emotion')));
    for (const path of [join(dir, 'cut'), join(dir, 'cut', 'model.json')]) {
      const files = await readInput(path);
      const shards = names.map((n) => files.find((f) => f.name.endsWith(n))!.data);
      const model = await openModel(files);
      expect(Buffer.from(model.artifacts.weightData as ArrayBuffer).equals(Buffer.from(bin))).toBe(true);
      expect(model.artifacts.weightData).toBe(shards[0]!.buffer);
      expect(model.weights.map((w) => [w.name, Array.from(w.values.subarray(0, 8))])).toEqual(whole.weights.map((w) => [w.name, Array.from(w.values.subarray(0, 8))]));
    }
  });
});

