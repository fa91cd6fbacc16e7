/**
 * `pare auto --min-cosine` on a real published graph model with real photographs: @vladmandic/human's emotion
 * classifier (64x64 grayscale, no labels), calibrated and validated on views of ten Debian photographs (the first
 * five photos calibrate, the next five validate). The tightest budget that still runs the whole path: one width,
 * no pruning, no refinement.
 */
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { listPhotos, writePhotoViews } from '../data/testing/photo-crops';
import { exportArtifacts } from '../export/load-export';
import { openModel } from '../formats';
import { readInput } from './read-input';
import { runPare } from './testing/run-pare';

const EMOTION = '.fixtures/real/human-emotion';
let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'pare-auto-graph-'));
  expect(await writePhotoViews(listPhotos().slice(0, 10), join(root, 'photos'), 64)).toBe(70);
});

describe('pare auto on a graph model with unlabelled photographs', () => {
  it('meets the cosine target on the validation photos, and its export loads in stock tf.loadGraphModel', async () => {
    const out = join(root, 'auto');
    const r = await runPare('auto', EMOTION, '--data', join(root, 'photos'), '--min-cosine', '0.99', '--out', out, '--calibration', '35', '--validation', '35', '--bits', '8', '--sparsities', '0', '--refine', '0', '--json');
    expect(r.err).toBe('');
    expect(r.status).toBe(0);
    const s = JSON.parse(r.out);
    expect(s.calibration).toMatch(/^calibration: samples 1–35 of /);
    expect(s.validation).toMatch(/^validation: samples 36–70 of /);
    expect(s.best.quality.cosine).toBeGreaterThanOrEqual(0.99);
    expect(s.best.quality.cosine).toBeLessThan(1);
    expect(s.best.wireBytes).toBeLessThan(s.original.wireBytes / 3);
    // A graph model's search leaves bias correction off, rounds with gptq from one pass (every candidate shares its
    // capture), and keeps its float32 biases and batch-norm offsets at float16 by name.
    const quantize = s.best.recipe.steps.find((x: { step: string }) => x.step === 'quantize');
    expect(quantize).toMatchObject({ default: 'uint8', method: 'gptq', sequential: false, data: 'calibration', samples: 35 });
    expect(quantize.biasCorrection).toBeUndefined();
    const kept = (quantize.perTensor as { match: string; precision: unknown }[]).filter((r) => r.precision === 'float16').map((r) => r.match);
    const model = await openModel(await readInput(EMOTION));
    const small = model.weights.filter((w) => !w.prunable && !w.batchNormStatistic && w.dtype === 'float32').map((w) => w.name);
    expect(kept.sort()).toEqual(small.sort());

    const files = await Promise.all((await readdir(out)).filter((n) => n !== 'recipe.json').map(async (name) => ({ name, data: new Uint8Array(await readFile(join(out, name))) })));
    const loaded = await tf.loadGraphModel(tf.io.fromMemory(exportArtifacts(files)));
    const y = loaded.predict(tf.zeros([2, 64, 64, 1])) as tf.Tensor;
    expect(y.shape).toEqual([2, 7]);
    expect([...(await y.data())].every(Number.isFinite)).toBe(true);
    tf.dispose([y]);
    loaded.dispose();
  }, 240_000);
});
