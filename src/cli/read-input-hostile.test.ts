/**
 * Shard paths in a model.json given to the CLI (issue 12): each path that leaves the model's folder, and each
 * shard that is no regular file, is refused by name before anything is read, and the page (openModel on dropped
 * files) refuses the same paths with the same sentence.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readInput } from './read-input';
import { openModel } from '../formats/index';
import type { InputFile } from '../model/types';

let dir: string;
const SHARD = new Uint8Array(8);

function modelJson(paths: string[]): string {
  return JSON.stringify({
    modelTopology: { node: [{ name: 'w', op: 'Const', attr: { dtype: { type: 'DT_FLOAT' } } }], versions: { producer: 1 } },
    weightsManifest: [{ paths, weights: [{ name: 'w', shape: [2], dtype: 'float32' }] }],
  });
}

/** Writes model.json naming `paths` into folder `name` under the temp dir, and returns its path. */
async function modelNaming(name: string, paths: string[]): Promise<string> {
  const folder = join(dir, name);
  await mkdir(folder, { recursive: true });
  await writeFile(join(folder, 'model.json'), modelJson(paths));
  return join(folder, 'model.json');
}

async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  return promise.then(
    () => ({ code: 'none', message: 'it opened' }),
    (e: { code: string; message: string }) => e,
  );
}

/** What the CLI does with a model.json path: read the input, then open it. */
const openFromDisk = async (path: string) => openModel(await readInput(path));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pare-hostile-input-'));
  // A file just outside each model's folder that a traversal would reach, with the right length.
  await writeFile(join(dir, 'secret.bin'), SHARD);
  await mkdir(join(dir, 'etc'), { recursive: true });
  await writeFile(join(dir, 'etc', 'secret.bin'), SHARD);
});

afterAll(() => rm(dir, { recursive: true, force: true }));

const escaping: [string, string][] = [
  ['../secret.bin', "it climbs out with '..'"],
  ['sub/../../secret.bin', "it climbs out with '..'"],
  ['..%2fsecret.bin', "it climbs out with '..'"],
  ['%2e%2e/secret.bin', "it climbs out with '..'"],
  ['%252e%252e%252fsecret.bin', "it climbs out with '..'"],
  ['..\\secret.bin', "it climbs out with '..'"],
  ['/etc/passwd', 'it is an absolute path'],
  ['%2fetc%2fpasswd', 'it is an absolute path'],
  ['file:///etc/passwd', "it is a URL ('file:')"],
  ['http://example.com/w.bin', "it is a URL ('http:')"],
  ['C:\\Windows\\w.bin', 'it names a drive letter'],
  ['/dev/zero', 'it is an absolute path'],
];

describe('shard paths that leave the model folder', () => {
  for (const [path, why] of escaping) {
    it(`${path}: refused by the CLI and by the page in the same words`, async () => {
      const json = await modelNaming(`m${escaping.findIndex(([p]) => p === path)}`, [path]);
      const cli = await failure(openFromDisk(json));
      const expected = `Shard path '${path.replace(/\\/g, '\\')}' in 'model.json' leaves the model's folder (${why}); Pare reads shards only from the folder of the model file.`;
      expect(cli).toMatchObject({ code: 'unsafe-path', message: expected });
      const dropped: InputFile[] = [
        { name: 'model.json', data: new TextEncoder().encode(modelJson([path])) },
        { name: 'secret.bin', data: SHARD },
      ];
      expect(await failure(openModel(dropped))).toMatchObject({ code: 'unsafe-path', message: expected });
    });
  }

  it("a path that goes down and back up inside the folder is fine ('sub/../w.bin')", async () => {
    const json = await modelNaming('inside', ['sub/../w.bin']);
    await writeFile(join(dir, 'inside', 'w.bin'), SHARD);
    const model = await openFromDisk(json);
    expect(model.weights.map((w) => w.name)).toEqual(['w']);
  });
});

describe('shards that are not regular files', () => {
  it('a link inside the folder to a file outside it is refused, naming where it points', async () => {
    const json = await modelNaming('link', ['w.bin']);
    await symlink(join(dir, 'secret.bin'), join(dir, 'link', 'w.bin'));
    const e = await failure(openFromDisk(json));
    expect(e.code).toBe('unsafe-path');
    expect(e.message).toContain("Shard 'w.bin' named in 'model.json' leaves the model's folder (it is a link to '");
    expect(e.message).toContain("secret.bin')");
  });

  it('a link to /dev/zero is refused without reading it', async () => {
    const json = await modelNaming('zero', ['w.bin']);
    await symlink('/dev/zero', join(dir, 'zero', 'w.bin'));
    expect(await failure(openFromDisk(json))).toMatchObject({ code: 'unsafe-path', message: expect.stringContaining("it is a link to '/dev/zero'") });
  });

  it('a FIFO is refused without blocking', async () => {
    const json = await modelNaming('fifo', ['w.bin']);
    execFileSync('mkfifo', [join(dir, 'fifo', 'w.bin')]);
    expect(await failure(openFromDisk(json))).toEqual(
      expect.objectContaining({
        code: 'not-a-file',
        message: "Shard 'w.bin' named in 'model.json' is a named pipe (FIFO), not a regular file; expected the shard's bytes.",
      }),
    );
  });

  it('a folder named like the shard is refused', async () => {
    const json = await modelNaming('folder', ['w.bin']);
    await mkdir(join(dir, 'folder', 'w.bin'));
    expect(await failure(openFromDisk(json))).toMatchObject({ code: 'not-a-file', message: expect.stringContaining('is a folder, not a regular file') });
  });

  it('a shard far larger than the whole manifest needs is refused before it is read', async () => {
    const json = await modelNaming('huge', ['w.bin']);
    await writeFile(join(dir, 'huge', 'w.bin'), new Uint8Array(1024 * 1024));
    expect(await failure(openFromDisk(json))).toMatchObject({
      code: 'shard-length',
      message: "Shard 'w.bin' named in 'model.json' is 1,048,576 bytes; the whole manifest needs only 8, so it was not read.",
    });
  });

  it('the model path itself naming a FIFO or a device is refused by name', async () => {
    execFileSync('mkfifo', [join(dir, 'model-fifo.json')]);
    expect(await failure(readInput(join(dir, 'model-fifo.json')))).toMatchObject({ code: 'not-a-file', message: expect.stringContaining('is a named pipe (FIFO), not a regular file') });
    expect(await failure(readInput('/dev/zero'))).toMatchObject({ code: 'not-a-file', message: "'/dev/zero' is a device, not a regular file; expected a model file, a folder or a .zip." });
  });
});

describe('budgets from the environment', () => {
  it('PARE_MAX_MODEL_BYTES bounds what a model may take once open; a value that is no size is refused by name', async () => {
    const { applyEnvLimits } = await import('./read-input');
    const mlp = join(process.cwd(), 'public/samples/fashion-mlp');
    try {
      process.env.PARE_MAX_MODEL_BYTES = '1M';
      expect(await failure(openFromDisk(mlp))).toMatchObject({
        code: 'too-large',
        message:
          "'fashion-mlp/model.json' describes a model that needs about 1,066,440 bytes in memory once open (6 weights; the largest, 'fc1/kernel', 940,800 bytes); Pare opens models of at most 1,048,576 bytes.",
      });
      process.env.PARE_MAX_MODEL_BYTES = '2M';
      expect((await openFromDisk(mlp)).weights).toHaveLength(6);
      expect(() => applyEnvLimits({ PARE_MAX_MODEL_BYTES: 'lots' })).toThrow("PARE_MAX_MODEL_BYTES must be a size in bytes, or with K, M or G (such as 512M or 4G); found 'lots'.");
    } finally {
      delete process.env.PARE_MAX_MODEL_BYTES;
      applyEnvLimits({});
    }
  });
});
