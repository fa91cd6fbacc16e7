/**
 * `pare optimize` with a finetune step: trains on --data (real Fashion-MNIST training images, a slice of them),
 * picks the checkpoint on --val (the held-out test images the samples ship), reports per-epoch progress on stderr
 * and the final figures in the summary, and writes an export stock TF.js loads.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportArtifacts } from '../export/load-export';
import { runCli } from './main';
import type { OptimizeSummary } from './optimize';
import { readInput } from './read-input';

const TRAIN = '/usr/share/datasets/fashion-mnist';
const VAL = ['public/samples/data/fashion-mnist-test-1000-images-idx3-ubyte.gz', 'public/samples/data/fashion-mnist-test-1000-labels-idx1-ubyte.gz'];
let tmp: string;
let data: string[];

/** The first `n` items of an IDX file (its header says how many), gzipped again. */
async function idxHead(path: string, n: number, out: string): Promise<string> {
  const bytes = gunzipSync(await readFile(path));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims = bytes[3]!;
  const per = Array.from({ length: dims - 1 }, (_, i) => view.getUint32(8 + 4 * i)).reduce((a, b) => a * b, 1);
  const header = Buffer.from(bytes.subarray(0, 4 + 4 * dims));
  header.writeUInt32BE(n, 4);
  await writeFile(out, gzipSync(Buffer.concat([header, bytes.subarray(4 + 4 * dims, 4 + 4 * dims + n * per)])));
  return out;
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'pare-finetune-'));
  data = [
    await idxHead(`${TRAIN}/train-images-idx3-ubyte.gz`, 1500, join(tmp, 'train-images-idx3-ubyte.gz')),
    await idxHead(`${TRAIN}/train-labels-idx1-ubyte.gz`, 1500, join(tmp, 'train-labels-idx1-ubyte.gz')),
  ];
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('pare optimize with a finetune step', () => {
  it('trains on --data, validates on --val, prints the figures, and writes a stock-loadable export', { timeout: 120_000 }, async () => {
    const recipe = join(tmp, 'recipe.json');
    await writeFile(recipe, JSON.stringify({ pare: 'recipe', version: 2, steps: [
      { step: 'prune', sparsity: 0.9 },
      { step: 'finetune', data: 'training', epochs: 2, batch: 100, seed: 1 },
      { step: 'quantize', default: { bits: 4 } }] }));
    const out = join(tmp, 'out');
    let stdout = '';
    let stderr = '';
    const status = await runCli(['optimize', 'public/samples/fashion-mlp', '--recipe', recipe, '--data', ...data, '--val', ...VAL, '--out', out, '--json'], {
      out: (t) => (stdout += t), err: (t) => (stderr += t), errIsTTY: false,
    });
    expect(stderr).toMatch(/^recipe\.steps\[1\] finetune epoch 1\/2: loss [\d.]+, accuracy [\d.]+%, validation loss [\d.]+, accuracy [\d.]+%.*\nrecipe\.steps\[1\] finetune epoch 2\/2: /);
    expect(status).toBe(0);
    const s = JSON.parse(stdout) as OptimizeSummary;
    expect(s.training).toHaveLength(1);
    expect(s.training![0]!.epochs).toHaveLength(2);
    expect(s.training![0]!.best!.validationAccuracy).toBeGreaterThan(0.6);
    expect(s.validation).toMatchObject({ samples: 1000 });
    expect(s.validation!.accuracy).toBeGreaterThan(0.6);
    expect(s.sparsity.pruned).toBeGreaterThanOrEqual(0.9);
    // The printed accuracy is the exported model's: stock TF.js on the written files agrees.
    const model = await tf.loadLayersModel(tf.io.fromMemory(exportArtifacts((await readInput(out)).map((f) => ({ name: f.name.split('/').pop()!, data: f.data })))));
    const labels = gunzipSync(await readFile(VAL[1]!)).subarray(8);
    const images = gunzipSync(await readFile(VAL[0]!)).subarray(16);
    const predicted = tf.tidy(() => (model.predict(tf.tensor(Float32Array.from(images, (v) => v / 255), [1000, 28, 28, 1])) as tf.Tensor).argMax(1).dataSync());
    const right = Array.from(predicted).reduce((n: number, p: number, i: number) => n + (p === labels[i] ? 1 : 0), 0);
    expect(right / 1000).toBeCloseTo(s.validation!.accuracy!, 6);
  });

  it('refuses --val without a finetune step', async () => {
    let stderr = '';
    const status = await runCli(['optimize', 'public/samples/fashion-mlp', '--sparsity', '0.5', '--val', ...VAL, '--out', join(tmp, 'x')], { out: () => {}, err: (t) => (stderr += t) });
    expect(status).not.toBe(0);
    expect(stderr).toContain('--val was given, but the recipe has no "finetune" step to validate.');
  });
});
