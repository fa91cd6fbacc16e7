/** `pare optimize` with a fuse step (--recipe or --fuse): the fused graph export on disk, loaded by stock TF.js. */
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from './backend';
import { recipeFromFlags, type OptimizeSummary } from './optimize';
import { runPare, ROOT } from './testing/run-pare';
import { emptyRecipe } from '../recipe/schema';
import { exportArtifacts } from '../export/load-export';
import { openSample, testSubset } from '../calibrate/testing/fashion';
import { loadTfModel } from '../model/load-tf';
import { relativeError } from '../structure/testing/models';

let tmp: string;
beforeAll(async () => {
  await useBackend('wasm');
  tmp = await mkdtemp(join(tmpdir(), 'pare-fuse-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function filesIn(dir: string) {
  const names = (await readdir(dir)).sort((a, b) => (a === 'model.json' ? -1 : b === 'model.json' ? 1 : a.localeCompare(b)));
  return Promise.all(names.map(async (name) => ({ name, data: new Uint8Array(await readFile(join(dir, name))) })));
}

describe('pare optimize with a fuse step', () => {
  it('--fuse adds the step before quantization, once', () => {
    expect(recipeFromFlags(emptyRecipe(), { fuse: true, quantize: 'uint8' }).steps.map((s) => s.step)).toEqual(['fuse', 'quantize']);
    const own = recipeFromFlags({ ...emptyRecipe(), steps: [{ step: 'fuse', format: 'layers-model' }] }, { fuse: true });
    expect(own.steps).toEqual([{ step: 'fuse', format: 'layers-model' }]);
  });

  it('--recipe with {"step": "fuse"} writes a graph model of the sample CNN that stock tf.loadGraphModel loads, outputs unchanged', { timeout: 60_000 }, async () => {
    const recipe = join(tmp, 'fuse.json');
    await writeFile(recipe, JSON.stringify({ pare: 'recipe', version: 2, steps: [{ step: 'fuse' }, { step: 'quantize', default: 'float16' }] }));
    const out = join(tmp, 'cnn');
    const r = await runPare('optimize', join(ROOT, 'public/samples/fashion-cnn'), '--out', out, '--recipe', recipe, '--json');
    expect(r.err).toBe('');
    expect(r.status).toBe(0);
    const summary = JSON.parse(r.out) as OptimizeSummary;
    expect(summary.format).toBe('graph-model');
    expect(summary.input.format).toBe('layers-model');
    const files = await filesIn(out);
    const graph = await tf.loadGraphModel(tf.io.fromMemory(exportArtifacts(files)));
    const model = await openSample('fashion-cnn');
    const layers = await loadTfModel(model.artifacts, 'layers-model');
    const batch = await testSubset(model).batch(0, 50);
    const x = tf.tensor(batch.inputs, [batch.count, 28, 28, 1]);
    const a = (graph.predict(x) as tf.Tensor).dataSync();
    const b = (layers.predict(x) as tf.Tensor).dataSync();
    // float16 storage: equal to about 1e-3, the precision of half floats.
    expect(relativeError(a, b)).toBeLessThan(5e-3);
    graph.dispose();
    layers.dispose();
    x.dispose();
  });

  it('--fuse on the text output names the new format', { timeout: 60_000 }, async () => {
    const out = join(tmp, 'mlp');
    const r = await runPare('optimize', join(ROOT, 'public/samples/fashion-mlp'), '--out', out, '--fuse');
    expect(r.status).toBe(0);
    expect(r.out.split('\n')[0]).toMatch(/\(layers-model\) -> .*mlp \(graph-model\)$/);
    expect(r.out).toContain('recipe: fused');
  });
});
