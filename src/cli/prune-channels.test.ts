/**
 * `pare optimize --recipe` with a prune-channels step (compensated on Fashion-MNIST training images) and
 * `pare inspect --groups`: the command a user runs, its export loaded by stock TF.js.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportArtifacts } from '../export/load-export';
import { loadTfModel } from '../model/load-tf';
import { runCli } from './main';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'pare-channels-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function pare(...args: string[]): Promise<{ status: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const status = await runCli(args, { out: (t) => (out += t), err: (t) => (err += t), errIsTTY: false });
  return { status, out, err };
}

describe('prune-channels from the command line', () => {
  it('pare optimize writes the smaller CNN, which stock TF.js loads with half the channels', { timeout: 120_000 }, async () => {
    const recipe = join(tmp, 'channels.json');
    await writeFile(recipe, JSON.stringify({ pare: 'recipe', version: 2, steps: [
      { step: 'prune-channels', ratio: 0, perGroup: [{ match: '*', ratio: 0.5 }], compensate: true, data: 'calibration', samples: 128 },
      { step: 'quantize', default: 'uint8' },
    ] }));
    const out = join(tmp, 'out');
    const train = '/usr/share/datasets/fashion-mnist';
    const r = await pare('optimize', 'public/samples/fashion-cnn', '--out', out, '--recipe', recipe, '--data', `${train}/train-images-idx3-ubyte.gz`, `${train}/train-labels-idx1-ubyte.gz`);
    expect(r.err).toBe('');
    expect(r.status).toBe(0);
    expect(r.out).toContain('recipe: 0% of channels + 1 group rule (l1, least squares) · uint8');
    expect(r.out).toMatch(/fc1\/kernel +12,000 /);
    const names = await readdir(out);
    const files = await Promise.all(names.map(async (name) => ({ name, data: new Uint8Array(await readFile(join(out, name))) })));
    const model = await loadTfModel(exportArtifacts(files), 'layers-model');
    try {
      expect(model.layers.map((l) => (l.getConfig() as { filters?: number; units?: number }).filters ?? (l.getConfig() as { units?: number }).units ?? null)).toEqual([3, null, 8, null, null, 60, 42, 10]);
    } finally {
      model.dispose();
    }
  });

  it('pare inspect --groups lists the groups, and --json carries them', async () => {
    const text = await pare('inspect', '.fixtures/real/nsfwjs-mobilenet-v2', '--groups');
    expect(text.status).toBe(0);
    expect(text.out).toContain('channel groups: 29 (27 can shrink); 299,855,360 multiply-adds per sample');
    const json = await pare('inspect', 'public/samples/fashion-cnn', '--groups', '--json');
    const parsed = JSON.parse(json.out) as { channelGroups: { groups: { layers: string[]; prunable: boolean }[] } };
    expect(parsed.channelGroups.groups.filter((g) => g.prunable).map((g) => g.layers[0])).toEqual(['conv1', 'conv2', 'fc1', 'fc2']);
  });
});
