/**
 * The CLI writes only under --out (issue 12): an --out that is, or lies inside, the input's folder (directly or
 * through a link) is refused naming both, and an export interrupted half-way leaves no file under a final name.
 */
import { mkdtemp, mkdir, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkOutOverlap, writeOutputFiles } from './write-output';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pare-write-output-'));
  await mkdir(join(dir, 'model'));
  await writeFile(join(dir, 'model', 'model.json'), '{}');
  await writeFile(join(dir, 'model.zip'), 'PK');
  await mkdir(join(dir, 'data'));
  await symlink(join(dir, 'model'), join(dir, 'link-to-model'));
});

afterAll(() => rm(dir, { recursive: true, force: true }));

describe('--out that overlaps the input', () => {
  const refused: [string, string, string][] = [
    ['model', 'model', 'is the folder of the input'],
    ['model/model.json', 'model', 'is the folder of the input'],
    ['model', 'model/out', "lies inside ('out') the folder of the input"],
    ['model/model.json', 'model/a/b', "lies inside ('a/b') the folder of the input"],
    ['model', 'link-to-model/out', "lies inside ('out') the folder of the input"],
    ['data', 'data/export', "lies inside ('export') the folder of the input"],
    ['model.zip', 'model.zip', 'is the folder of the input'],
  ];
  for (const [input, out, says] of refused) {
    it(`input ${input}, --out ${out}: refused`, async () => {
      await expect(checkOutOverlap([join(dir, input)], join(dir, out))).rejects.toMatchObject({
        code: 'bad-options',
        message: expect.stringContaining(`${says} '${join(dir, input)}'`),
      });
    });
  }

  it('a folder beside the input, or one holding the zip, is fine', async () => {
    await expect(checkOutOverlap([join(dir, 'model', 'model.json'), join(dir, 'data')], join(dir, 'out'))).resolves.toBeUndefined();
    await expect(checkOutOverlap([join(dir, 'model.zip')], dir)).resolves.toBeUndefined();
  });
});

describe('writing the export', () => {
  it('writes every file under its name', async () => {
    const out = join(dir, 'ok');
    await writeOutputFiles(out, [
      { name: 'model.json', data: '{"a":1}' },
      { name: 'group1-shard1of1.bin', data: new Uint8Array([1, 2, 3]) },
    ]);
    expect((await readdir(out)).sort()).toEqual(['group1-shard1of1.bin', 'model.json']);
    expect(await readFile(join(out, 'model.json'), 'utf8')).toBe('{"a":1}');
  });

  it('interrupted at the second file: nothing under a final name, no partial left, an earlier export untouched', async () => {
    const out = join(dir, 'interrupted');
    await mkdir(out);
    await writeFile(join(out, 'model.json'), 'the earlier export');
    let calls = 0;
    const failing = async (path: string, data: Uint8Array | string) => {
      if (++calls === 2) {
        await writeFile(path, 'half a sha'); // a write that got part of the way
        throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
      }
      await writeFile(path, data);
    };
    await expect(
      writeOutputFiles(out, [{ name: 'model.json', data: '{"new":1}' }, { name: 'group1-shard1of1.bin', data: new Uint8Array(10) }], failing),
    ).rejects.toThrow('ENOSPC');
    expect(await readdir(out)).toEqual(['model.json']);
    expect(await readFile(join(out, 'model.json'), 'utf8')).toBe('the earlier export');
  });
});
