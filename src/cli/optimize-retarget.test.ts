/** `pare optimize --recipe retarget.json --data <image folders>`: transfer learning from the command line. */
import { mkdtemp, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openModel } from '../formats';
import { fashionFolders } from '../train/retarget/testing/fashion-folders';
import { readInput } from './read-input';
import { runPare } from './testing/run-pare';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pare-retarget-'));
  for (const f of fashionFolders('train', [1, 9], 15, { root: 'images' })) {
    await mkdir(join(dir, dirname(f.name)), { recursive: true });
    await writeFile(join(dir, f.name), f.data);
  }
  await writeFile(
    join(dir, 'recipe.json'),
    JSON.stringify({ pare: 'recipe', version: 2, steps: [{ step: 'retarget', data: 'training', epochs: 5, learningRate: 0.01 }, { step: 'quantize', default: 'uint8' }] }),
  );
});

describe('pare optimize with a retarget step', () => {
  it('learns the folders\' classes, prints the validation accuracy, writes model.json + metadata.json', { timeout: 120_000 }, async () => {
    const out = join(dir, 'out');
    const run = await runPare('optimize', 'public/samples/fashion-cnn', '--recipe', join(dir, 'recipe.json'), '--data', join(dir, 'images'), '--out', out);
    // One line per epoch of the new head on stderr, named by its step.
    expect(run.err).toMatch(/^recipe\.steps\[0\] retarget epoch 1\/5: loss [\d.]+, validation loss [\d.]+, accuracy [\d.]+%.*\n(.*\n){3}recipe\.steps\[0\] retarget epoch 5\/5: .*\n$/);
    expect(run.status).toBe(0);
    expect(run.out).toMatch(/recipe\.steps\[0\] retarget: kept epoch \d of 5: validation loss [\d.]+, validation accuracy [\d.]+%/);
    expect(run.out).toContain("retarget: 2 classes (Ankle_boot, Trouser) from folders; head (a softmax) on 'flatten' [null, 400], trained on 24 images");
    expect(run.out).toMatch(/validation accuracy: \d+\.\d\d% of 6 held-apart images \(epoch \d of 5, kept as the best\)/);
    expect((await readdir(out)).sort()).toEqual(['group1-shard1of1.bin', 'metadata.json', 'model.json']);
    const reopened = await openModel(await readInput(out));
    expect(reopened.labels).toEqual(['Ankle_boot', 'Trouser']);
    expect(JSON.parse(await readFile(join(out, 'metadata.json'), 'utf8')).labels).toEqual(['Ankle_boot', 'Trouser']);
  });

  it('--json carries the retarget outcome, with the history per epoch', { timeout: 120_000 }, async () => {
    const run = await runPare('optimize', 'public/samples/fashion-cnn', '--recipe', join(dir, 'recipe.json'), '--data', join(dir, 'images'), '--out', join(dir, 'out-json'), '--json');
    expect(run.status).toBe(0);
    const summary = JSON.parse(run.out);
    expect(summary.retarget.labels).toEqual(['Ankle_boot', 'Trouser']);
    expect(summary.retarget.history).toHaveLength(5);
    expect(summary.retarget.validation.samples).toBe(6);
    // The input's size counts its own weights, the old head included.
    expect(summary.sizes.before.weightBytes).toBeGreaterThan(summary.sizes.after.weightBytes);
  });
});
