import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSize } from './auto';
import { runPare } from './testing/run-pare';

const TRAIN = ['/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz', '/usr/share/datasets/fashion-mnist/train-labels-idx1-ubyte.gz'];
const MLP = 'public/samples/fashion-mlp';

describe('pare auto', () => {
  it('finds a recipe within the drop on the validation part, writes it, and pare optimize reproduces the same bytes from it', async () => {
    const out = await mkdtemp(join(tmpdir(), 'pare-auto-'));
    const r = await runPare('auto', MLP, '--data', ...TRAIN, '--max-drop', '1', '--out', join(out, 'auto'), '--calibration', '128', '--validation', '300', '--bits', '8,4', '--sparsities', '0,0.5,0.8', '--refine', '2', '--json');
    expect(r.err).toBe('');
    expect(r.status).toBe(0);
    const s = JSON.parse(r.out);
    expect(s.validation).toMatch(/^validation: samples 129–428 of /);
    expect((s.original.quality.accuracy - s.best.quality.accuracy) * 100).toBeLessThanOrEqual(1 + 1e-9);
    expect(s.best.wireBytes).toBeLessThan(s.original.wireBytes);
    expect((await readdir(join(out, 'auto'))).sort()).toEqual(['group1-shard1of1.bin', 'model.json', 'recipe.json']);

    const again = await runPare('optimize', MLP, '--recipe', join(out, 'auto', 'recipe.json'), '--data', ...TRAIN, '--out', join(out, 'again'));
    expect(again.status).toBe(0);
    const shard = (dir: string) => readFile(join(out, dir, 'group1-shard1of1.bin'));
    expect(Buffer.compare(await shard('auto'), await shard('again'))).toBe(0);
    const pare = JSON.parse(await readFile(join(out, 'again', 'model.json'), 'utf8')).userDefinedMetadata.pare;
    expect(pare.applied).toEqual({ data: { calibration: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) }, backend: 'wasm' });
  });

  it('refuses a missing or doubled target and bad sizes, saying what it takes', async () => {
    const none = await runPare('auto', MLP, '--data', ...TRAIN, '--out', '/tmp/x');
    expect(none.status).toBe(2);
    expect(none.err).toContain("'pare auto' needs exactly one target: --max-drop, --min-agreement, --min-cosine or --target-size; found none.");
    const two = await runPare('auto', MLP, '--data', ...TRAIN, '--max-drop', '1', '--min-cosine', '0.99', '--out', '/tmp/x');
    expect(two.err).toContain('found --max-drop, --min-cosine.');
    expect(parseSize('60KB')).toBe(60_000);
    expect(parseSize('1.5MiB')).toBe(1_572_864);
    expect(() => parseSize('lots')).toThrow("--target-size must be a size like 60KB, 1.5MiB or 50000 (bytes); found 'lots'.");
  });
});

describe('pare optimize with calibration data', () => {
  it('refuses data no step uses, and a calibrated step without data', async () => {
    const out = await mkdtemp(join(tmpdir(), 'pare-opt-data-'));
    const unused = await runPare('optimize', MLP, '--sparsity', '0.5', '--data', ...TRAIN, '--out', join(out, 'a'));
    expect(unused.status).toBe(2);
    expect(unused.err).toContain('--data was given, but no step of the recipe uses data');
    const recipe = join(out, 'obs.json');
    await writeFile(recipe, JSON.stringify({ pare: 'recipe', version: 2, steps: [{ step: 'prune', default: 0.5, method: 'obs', data: 'calibration' }] }));
    const missing = await runPare('optimize', MLP, '--recipe', recipe, '--out', join(out, 'b'));
    expect(missing.status).toBe(1);
    expect(missing.err).toContain("recipe.steps[0] ('prune') needs the calibration data set, and none was given");
  });
});
