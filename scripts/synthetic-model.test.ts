import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readInput } from '../src/cli/read-input';
import { SHARD_BYTES } from '../src/export/shards';
import { openModel } from '../src/formats/index';
import { syntheticModelInMemory, writeSyntheticModel } from './synthetic-model';

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe('synthetic benchmark models', () => {
  it('write as a layers model with 4 MB shards that opens with the parameters it reports, same bytes as in memory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pare-synthetic-'));
    dirs.push(dir);
    // About 1.2M parameters: 4.8 MB of float32, so two shards, the second partial and cut inside a tensor.
    const written = await writeSyntheticModel(dir, 1_200_000);
    expect(written.weightBytes).toBe(written.params * 4);
    expect(Math.abs(written.params - 1_200_000) / 1_200_000).toBeLessThan(0.01);
    expect((await readdir(dir)).sort()).toEqual(['group1-shard1of2.bin', 'group1-shard2of2.bin', 'model.json']);

    const model = await openModel(await readInput(dir));
    expect(model.format).toBe('layers-model');
    expect(model.weights.reduce((n, w) => n + w.values.length, 0)).toBe(written.params);
    expect(model.weights.filter((w) => w.prunable).map((w) => w.name)).toEqual([1, 2, 3, 4, 5, 6].map((i) => `dense_${i}/kernel`));
    expect((model.artifacts.weightData as ArrayBuffer).byteLength).toBe(written.weightBytes);
    expect(model.warnings).toEqual([]); // no NaN or infinite weights

    const { files } = syntheticModelInMemory(1_200_000);
    expect(files.map((f) => f.data.byteLength)).toEqual([SHARD_BYTES, written.weightBytes - SHARD_BYTES, expect.any(Number)]);
    const again = await openModel(files.map((f) => ({ ...f, name: `m/${f.name}` })));
    // Buffer.equals, not toEqual: a deep comparison of 4.8 MB element by element takes minutes.
    expect(Buffer.from(again.artifacts.weightData as ArrayBuffer).equals(Buffer.from(model.artifacts.weightData as ArrayBuffer))).toBe(true);
  });
});
