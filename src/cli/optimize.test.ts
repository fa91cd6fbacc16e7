/**
 * `pare optimize` on real published models: what it writes loads with stock TF.js and matches the in-memory
 * variant; flags and recipe files combine as documented; bad options and recipes exit non-zero with a message.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync as zlibGzipSync } from 'node:zlib';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStockRoundTrip, randomInputs, sameBits } from '../export/testing/roundtrip';
import { openModel } from '../formats/index';
import { useCpu } from '../formats/testing/build-models';
import { REAL } from '../formats/testing/files';
import type { ExportFile } from '../export/types';
import { applyRecipe } from '../recipe/apply';
import { emptyRecipe, lastPruneStepOf, parseRecipe, quantizeStepOf } from '../recipe/schema';
import { runCli } from './main';
import { recipeFromFlags, type OptimizeSummary } from './optimize';
import { readInput } from './read-input';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'pare.js');
const EMOTION = join(REAL, 'human-emotion');
const NSFW = join(REAL, 'nsfwjs-mobilenet-v2');

let tmp: string;

beforeAll(async () => {
  await useCpu();
  tmp = await mkdtemp(join(tmpdir(), 'pare-optimize-'));
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function pare(...args: string[]): Promise<{ status: number; out: string; err: string }> {
  return pareWith({ errIsTTY: false }, ...args);
}

async function pareWith(tty: { errIsTTY: boolean }, ...args: string[]): Promise<{ status: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const status = await runCli(['optimize', ...args], { out: (t) => (out += t), err: (t) => (err += t), ...tty });
  return { status, out, err };
}

/** The CLI's measure of sizes over the wire: each piece gzipped on its own by node:zlib at level 6. */
const zlib6 = (pieces: Uint8Array[]) => pieces.reduce((n, p) => n + zlibGzipSync(p, { level: 6 }).byteLength, 0);

async function filesIn(dir: string): Promise<ExportFile[]> {
  const names = (await readdir(dir)).sort((a, b) => (a === 'model.json' ? -1 : b === 'model.json' ? 1 : a.localeCompare(b)));
  return Promise.all(names.map(async (name) => ({ name, data: new Uint8Array(await readFile(join(dir, name))) })));
}

describe('pare optimize', () => {
  it('writes a graph model that stock TF.js loads, equal to the in-memory variant, and reports it as JSON', { timeout: 120_000 }, async () => {
    const out = join(tmp, 'emotion');
    const r = await pare(EMOTION, '--out', out, '--sparsity', '0.5', '--quantize', 'uint8', '--gzip-sizes', '--json');
    expect(r.err).toBe('');
    expect(r.status).toBe(0);
    const summary = JSON.parse(r.out) as OptimizeSummary;
    const written = await filesIn(out);
    expect(written.map((f) => f.name)).toEqual(['model.json', 'group1-shard1of1.bin']);
    expect(summary.files).toEqual(written.map((f) => ({ name: f.name, bytes: f.data.byteLength })));
    expect(summary.input).toMatchObject({ file: 'human-emotion/emotion.json', format: 'graph-model' });
    expect(summary.description).toBe('50% global · uint8');
    expect(summary.sizes.before).toMatchObject({ modelJsonBytes: 17980, weightBytes: 820516 });
    expect(summary.sizes.after.weightBytes).toBe(written[1]!.data.byteLength);
    expect(summary.sizes.after.modelJsonBytes).toBe(written[0]!.data.byteLength);
    expect(summary.gzip).toEqual({ library: 'node:zlib', level: 6 });
    expect(summary.sizes.after.weightGzipBytes).toBe(zlib6(written.slice(1).map((f) => f.data)));
    expect(summary.sizes.after.weightGzipBytes).toBeLessThan(summary.sizes.after.weightBytes);
    // The input's one shard is under 4 MB: one piece.
    expect(summary.sizes.before.weightGzipBytes).toBe(zlib6([new Uint8Array(await readFile(join(EMOTION, 'emotion.bin')))]));
    const prunable = summary.tensors.filter((t) => t.prunable);
    const n = prunable.reduce((a, t) => a + t.params, 0);
    expect(summary.sparsity.prunableParams).toBe(n);
    expect(summary.sparsity.pruned).toBe(Math.round(0.5 * n) / n);
    for (const t of summary.tensors) expect(t.dtype).toBe(t.name.includes('reduction_indices') ? 'int32' : 'uint8');

    // The same recipe applied in-process gives the same bytes, and stock TF.js agrees with the in-memory variant.
    const model = await openModel(await readInput(EMOTION));
    const variant = await applyRecipe(model, summary.recipe);
    await expectStockRoundTrip(model, variant, written, randomInputs(model, 9, [[2, 64, 64, 1]]));
    const reopened = await openModel(await readInput(out));
    expect(reopened.weights.filter((w) => w.dtype === 'float32').every((w) => w.quantization?.dtype === 'uint8')).toBe(true);
  });

  it('prints a text summary with sizes before and after and a row per tensor', async () => {
    const r = await pare(NSFW, '--out', join(tmp, 'nsfw-text'), '--sparsity', '50%', '--gzip-sizes');
    expect(r.status).toBe(0);
    expect(r.out).toContain('nsfwjs-mobilenet-v2/model.json (layers-model) -> ');
    expect(r.out).toContain('recipe: 50% global  [');
    const shard = new Uint8Array(await readFile(join(NSFW, 'group1-shard1of1')));
    expect(r.out).toMatch(new RegExp(`weights gzip -6\\s+${zlib6([shard]).toLocaleString('en-US')}\\s+[\\d,]+\\s+[\\d.]+x smaller`));
    expect(r.out).toContain('gzip sizes: each shard on its own, node:zlib level 6');
    expect(r.out).toMatch(/sparsity: 50\.00% of [\d,]+ prunable weights are zero/);
    expect(r.out).toMatch(/Conv1\/kernel\s+864\s+yes\s+50\.00% global\s+[\d.]+%\s+uint8\s+864 -> 864/);
    expect(r.out).toContain('wrote model.json, group1-shard1of1.bin');
  });

  it('--recipe with flags: flags override the defaults, the file keeps its rules', { timeout: 120_000 }, async () => {
    const recipePath = join(tmp, 'recipe.json');
    await writeFile(
      recipePath,
      JSON.stringify({
        pare: 'recipe',
        version: 1,
        prune: { default: 0.3, perTensor: [{ match: 'unknown_43', sparsity: 0.9 }] },
        quantize: { default: 'float16', skip: ['*bn_offset'] },
      }),
    );
    const out = join(tmp, 'emotion-recipe');
    const r = await pare(EMOTION, '--out', out, '--recipe', recipePath, '--sparsity', '0.5', '--bits', '4', '--json');
    expect(r.status).toBe(0);
    const s = JSON.parse(r.out) as OptimizeSummary;
    expect(s.recipe.steps[0]).toEqual({ step: 'prune', method: 'magnitude', sparsity: 0.5, perTensor: [{ match: 'unknown_43', sparsity: 0.9 }] });
    expect(s.recipe.steps[1]).toMatchObject({ step: 'quantize', default: { bits: 4 }, skip: ['*bn_offset'] });
    const byName = new Map(s.tensors.map((t) => [t.name, t]));
    expect(byName.get('unknown_43')!.prunedSparsity).toBe(Math.round(0.9 * 16128) / 16128);
    for (const t of s.tensors) {
      if (t.name.endsWith('bn_offset')) expect(t.dtype).toBe('float32');
      else if (t.dtype !== 'int32') expect([t.dtype, t.bits]).toEqual(['uint8', 4]);
    }
    const model = await openModel(await readInput(EMOTION));
    await expectStockRoundTrip(model, await applyRecipe(model, s.recipe), await filesIn(out), randomInputs(model, 4, [[1, 64, 64, 1]]));
  });

  it('measures no sizes over the wire unless asked', async () => {
    const text = await pare(EMOTION, '--out', join(tmp, 'no-gzip'), '--sparsity', '0.5');
    expect(text.status).toBe(0);
    expect(text.out).not.toContain('weights gzip');
    expect(text.out).toContain('sizes over the wire (gzip): add --gzip-sizes');
    const json = JSON.parse((await pare(EMOTION, '--out', join(tmp, 'no-gzip'), '--sparsity', '0.5', '--json')).out) as OptimizeSummary;
    expect(json.gzip).toBeNull();
    expect(json.sizes.before).toEqual({ modelJsonBytes: 17980, weightBytes: 820516, totalBytes: 17980 + 820516 });
    expect(Object.keys(json.sizes.after)).toEqual(['modelJsonBytes', 'weightBytes', 'totalBytes']);
  });

  it('draws progress on stderr only when it is a terminal, and clears it before the summary', async () => {
    const tty = await pareWith({ errIsTTY: true }, EMOTION, '--out', join(tmp, 'tty'), '--sparsity', '0.5');
    expect(tty.status).toBe(0);
    expect(tty.err).toContain('\rreading ');
    expect(tty.err).toContain('\rapplying the recipe');
    expect(tty.err.endsWith('\r\x1b[K')).toBe(true);
    expect(tty.out).not.toContain('\r');
    const piped = await pare(EMOTION, '--out', join(tmp, 'tty'), '--sparsity', '0.5');
    expect(piped.err).toBe('');
    expect(piped.out).toBe(tty.out);
  });

  it('--zip writes one deterministic model.zip holding the export', async () => {
    const a = join(tmp, 'zip-a');
    const b = join(tmp, 'zip-b');
    expect((await pare(EMOTION, '--out', a, '--quantize', 'float16', '--zip')).status).toBe(0);
    expect((await pare(EMOTION, '--out', b, '--quantize', 'float16', '--zip')).status).toBe(0);
    expect(await readdir(a)).toEqual(['model.zip']);
    const za = new Uint8Array(await readFile(join(a, 'model.zip')));
    expect(sameBits(za, new Uint8Array(await readFile(join(b, 'model.zip'))))).toBe(true);
    expect(Object.keys(unzipSync(za))).toEqual(['model.json', 'group1-shard1of1.bin']);
    const reopened = await openModel(await readInput(join(a, 'model.zip')));
    expect(reopened.weights.filter((w) => w.dtype === 'float32').every((w) => w.quantization?.dtype === 'float16')).toBe(true);
  });

  it('notes shards left in the folder by an earlier, larger export', async () => {
    const out = join(tmp, 'stale');
    await mkdir(out, { recursive: true });
    await writeFile(join(out, 'group1-shard2of2.bin'), new Uint8Array(3));
    const r = await pare(EMOTION, '--out', out, '--json');
    expect(JSON.parse(r.out).warnings.map((w: { message: string }) => w.message)).toEqual([
      `${out} also holds group1-shard2of2.bin from an earlier export; model.json does not use it.`,
    ]);
  });

  it.each([
    [['--out', 'x', '--sparsity', '1.5'], 2, "pare: --sparsity must be a number from 0 to 1 (or a percentage like 50%); found '1.5'.\n"],
    [['--out', 'x', '--sparsity', 'half'], 2, "pare: --sparsity must be a number from 0 to 1 (or a percentage like 50%); found 'half'.\n"],
    [['--out', 'x', '--quantize', 'int4'], 2, "pare: --quantize must be one of keep, none, float16, uint16, uint8; found 'int4'. For fewer bits use --bits 2..8.\n"],
    [['--out', 'x', '--bits', '12'], 2, "pare: --bits must be a whole number from 2 to 8; found '12'. For 16 bits use --quantize uint16.\n"],
    [['--out', 'x', '--bits', '4', '--quantize', 'float16'], 2, 'pare: --bits 4 and --quantize float16 ask for two different precisions; give one of them.\n'],
    [['--out', 'x', '--clip', 'max'], 2, "pare: --clip must be one of minmax, percentile, mse; found 'max'.\n"],
    [['--out', EMOTION], 2, `pare: --out '${EMOTION}' is the folder of the input '${EMOTION}'; write to a folder outside it, so the originals stay as they are.\n`],
    [['--out', join(EMOTION, 'smaller')], 2, `pare: --out '${join(EMOTION, 'smaller')}' lies inside ('smaller') the folder of the input '${EMOTION}'; write to a folder outside it, so the originals stay as they are.\n`],
    [['--out', 'x', '--recipe', '/no/such/recipe.json'], 2, "pare: Cannot read the recipe '/no/such/recipe.json' (ENOENT).\n"],
  ])('rejects %j with status %i', async (args, status, message) => {
    const r = await pare(EMOTION, ...args);
    expect(r.err).toBe(message);
    expect(r.status).toBe(status);
  });

  it('a missing --out is a usage error: the message, then the help', async () => {
    const r = await pare(EMOTION, '--sparsity', '0.5');
    expect(r.status).toBe(2);
    expect(r.err).toMatch(/^pare: 'pare optimize' needs --out <dir>, the folder to write the smaller model to\.\n\nUsage: pare optimize /);
  });

  it('rejects an invalid recipe file naming the field', async () => {
    const path = join(tmp, 'bad.json');
    await writeFile(path, JSON.stringify({ pare: 'recipe', version: 1, prune: { sparsity: 1.5 } }));
    const r = await pare(EMOTION, '--out', join(tmp, 'never'), '--recipe', path);
    expect(r.status).toBe(1);
    expect(r.err).toBe('pare: recipe.prune.sparsity must be between 0 and 1; found 1.5.\n');
    await expect(readdir(join(tmp, 'never'))).rejects.toThrow();
  });

  it('runs as a process through the bin (npm run pare), help included', { timeout: 60_000 }, async () => {
    const run = (...args: string[]) =>
      new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
        execFile(process.execPath, [BIN, 'optimize', ...args], { cwd: ROOT }, (error, stdout, stderr) =>
          resolve({ status: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
        );
      });
    const help = await run('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Flags given with it override it');
    const bad = await run(EMOTION, '--out', join(tmp, 'p'), '--bits', '1');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe("pare: --bits must be a whole number from 2 to 8; found '1'. For 16 bits use --quantize uint16.\n");
  });
});

describe('recipeFromFlags', () => {
  it('builds a recipe from flags alone', () => {
    expect(recipeFromFlags(emptyRecipe(), { sparsity: '0.25', bits: '3', clip: 'mse' })).toEqual(
      parseRecipe({ pare: 'recipe', version: 1, prune: { sparsity: 0.25 }, quantize: { default: { bits: 3 }, clip: 'mse' } }),
    );
    expect(quantizeStepOf(recipeFromFlags(emptyRecipe(), { quantize: 'uint8', bits: '8' }))!.default).toBe('uint8');
    expect(lastPruneStepOf(recipeFromFlags(emptyRecipe(), { sparsity: '12.5%' }))!.sparsity).toBe(0.125);
  });

  it('sets the last prune step and the quantize step of a version 2 recipe, adding them where missing', () => {
    const twoPrunes = parseRecipe({ pare: 'recipe', version: 2, steps: [{ step: 'prune', default: 0.2 }, { step: 'prune', default: 0.4, perTensor: [{ match: 'a', sparsity: 0 }] }] });
    const r = recipeFromFlags(twoPrunes, { sparsity: '0.5', quantize: 'float16' });
    expect(r.steps).toEqual([
      { step: 'prune', method: 'magnitude', default: 0.2, perTensor: [] },
      { step: 'prune', method: 'magnitude', sparsity: 0.5, perTensor: [{ match: 'a', sparsity: 0 }] },
      { step: 'quantize', default: 'float16', clip: 'minmax', method: 'nearest', perTensor: [], skip: [] },
    ]);
    const quantizeOnly = parseRecipe({ pare: 'recipe', version: 2, steps: [{ step: 'quantize', default: 'uint8' }] });
    expect(recipeFromFlags(quantizeOnly, { sparsity: '0.3' }).steps.map((s) => s.step)).toEqual(['prune', 'quantize']);
  });

  it('does not modify the base recipe', () => {
    const base = parseRecipe({ pare: 'recipe', version: 1, prune: { default: 0.2 } });
    recipeFromFlags(base, { sparsity: '0.5' });
    expect(base.steps).toEqual([{ step: 'prune', method: 'magnitude', default: 0.2, perTensor: [] }]);
  });
});
