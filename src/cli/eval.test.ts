/**
 * `pare eval` on the shipped sample models and real Fashion-MNIST data: the shipped subset gives index.json's
 * figure, the full Debian test set gives what a stock TF.js predict loop gives, a float16 export keeps fidelity,
 * every data kind gives the same figures on the same images, and broken input exits non-zero with a message.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeIdx } from '../data/idx';
import { makePng } from '../data/testing/make-png';
import type { AccuracySummary, FidelitySummary } from './eval-report';
import { splitDataPaths } from './eval-data';
import { ROOT, runPare, spawnPare } from './testing/run-pare';

const SAMPLES = join(ROOT, 'public/samples');
const MLP = join(SAMPLES, 'fashion-mlp');
const CNN = join(SAMPLES, 'fashion-cnn');
const SUBSET_IMAGES = join(SAMPLES, 'data/fashion-mnist-test-1000-images-idx3-ubyte.gz');
const SUBSET_LABELS = join(SAMPLES, 'data/fashion-mnist-test-1000-labels-idx1-ubyte.gz');
const DEBIAN = '/usr/share/datasets/fashion-mnist';
const T10K_IMAGES = join(DEBIAN, 't10k-images-idx3-ubyte.gz');
const T10K_LABELS = join(DEBIAN, 't10k-labels-idx1-ubyte.gz');

interface SampleEntry {
  id: string;
  accuracy: { test10k: number; subset1000: number };
}
const index: SampleEntry[] = JSON.parse(readFileSync(join(SAMPLES, 'index.json'), 'utf8'));
const figures = (id: string) => index.find((e) => e.id === id)!.accuracy;

/** IDX read the plain way (gunzip, skip the 16- and 8-byte headers), independent of Pare's reader. */
function plainIdx(images: string, labels: string): { pixels: Uint8Array; labels: Uint8Array; count: number } {
  const px = gunzipSync(readFileSync(images));
  const lb = gunzipSync(readFileSync(labels));
  return { pixels: px.subarray(16), labels: lb.subarray(8), count: lb.length - 8 };
}

/** What anyone would write: tf.loadLayersModel over the files, x / 255, predict, argmax, count hits. */
async function stockCorrect(dir: string, set: { pixels: Uint8Array; labels: Uint8Array; count: number }): Promise<number> {
  const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as tf.io.ModelJSON;
  const artifacts = await tf.io.getModelArtifactsForJSON(json, async (manifest) => {
    const shards = manifest.flatMap((g) => g.paths).map((p) => readFileSync(join(dir, p)));
    return [manifest.flatMap((g) => g.weights), tf.io.CompositeArrayBuffer.join(shards.map((s) => s.buffer.slice(s.byteOffset, s.byteOffset + s.byteLength)))];
  });
  const model = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  let correct = 0;
  try {
    for (let s = 0; s < set.count; s += 500) {
      const n = Math.min(500, set.count - s);
      const xs = Float32Array.from(set.pixels.subarray(s * 784, (s + n) * 784), (p) => p / 255);
      const predicted = tf.tidy(() => (model.predict(tf.tensor4d(xs, [n, 28, 28, 1])) as tf.Tensor).argMax(-1).dataSync());
      for (let k = 0; k < n; k++) if (predicted[k] === set.labels[s + k]) correct++;
    }
  } finally {
    model.dispose();
  }
  return correct;
}

function json<T>(r: { status: number; out: string; err: string }): T {
  expect(r.err).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.out) as T;
}

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'pare-eval-'));
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

describe.concurrent('pare eval on the shipped subset (spawned)', () => {
  it.each(['fashion-mlp', 'fashion-cnn'])('%s scores index.json\'s subset1000 accuracy', { timeout: 60_000 }, async (id) => {
    // Labels first: the IDX pair is recognised in either order.
    const r = await spawnPare('eval', join(SAMPLES, id), '--data', SUBSET_LABELS, SUBSET_IMAGES, '--json');
    const s = json<AccuracySummary>(r);
    expect(s.samples).toBe(1000);
    expect(s.accuracy).toBe(figures(id).subset1000);
    expect(s.correct).toBe(Math.round(figures(id).subset1000 * 1000));
    expect(s).toMatchObject({ kind: 'accuracy', backend: 'wasm', wasm: { simd: true, threads: 1 }, skipped: [], classSource: 'model' });
    expect(s.preprocessing).toMatchObject({ height: 28, width: 28, channels: 1, scale: '0,1', source: 'metadata' });
    expect(s.top5).toBeGreaterThan(s.accuracy);
    expect(s.loss).toBeGreaterThan(0);
    expect(s.perClass.map((c) => c.name)[0]).toBe('T-shirt/top');
    expect(s.perClass.reduce((n, c) => n + c.total, 0)).toBe(1000);
    expect(s.confusion).toHaveLength(10);
    expect(s.confusion.flat().reduce((a, b) => a + b, 0)).toBe(1000);
    expect(s.confusion.reduce((n, row, i) => n + row[i], 0)).toBe(s.correct);
  });

  it('prints a readable report', { timeout: 60_000 }, async () => {
    const r = await spawnPare('eval', MLP, '--data', SUBSET_IMAGES, SUBSET_LABELS);
    expect(r.err).toBe('');
    expect(r.status).toBe(0);
    expect(r.out).toContain(`accuracy    ${(100 * figures('fashion-mlp').subset1000).toFixed(2)}%  (886 of 1,000)`);
    expect(r.out).toMatch(/^top-5\s+\d+\.\d\d%$/m);
    expect(r.out).toMatch(/^loss\s+0\.\d{4}\s+\(mean cross-entropy; outputs read as probabilities\)$/m);
    expect(r.out).toContain('skipped     nothing');
    expect(r.out).toContain("preprocess  Images are resized to 28x28, converted to grayscale and scaled to [0, 1] (as the model's metadata states).");
    expect(r.out).toMatch(/^true \\ predicted\s+0\s+1\s+2\s+3\s+4\s+5\s+6\s+7\s+8\s+9$/m);
    expect(r.out).toMatch(/^0 T-shirt\/top\s+99(\s+\d+){9}$/m);
  });
});

describe('pare eval on the full Fashion-MNIST test set (Debian)', () => {
  const t10k = plainIdx(T10K_IMAGES, T10K_LABELS);

  it.each([['fashion-mlp', MLP], ['fashion-cnn', CNN]])(
    '%s: the accuracy a stock TF.js predict loop gives, on the same backend',
    { timeout: 60_000 },
    async (id, dir) => {
      const before = tf.memory().numTensors;
      const s = json<AccuracySummary>(await runPare('eval', dir, '--data', T10K_IMAGES, T10K_LABELS, '--backend', 'wasm', '--json'));
      expect(tf.memory().numTensors).toBe(before);
      expect(tf.getBackend()).toBe('wasm');
      const stock = await stockCorrect(dir, t10k);
      expect(s.samples).toBe(10_000);
      expect(s.correct).toBe(stock);
      expect(s.accuracy).toBe(stock / 10_000);
      // And the figure the README and index.json state for the full set.
      expect(s.accuracy).toBe(figures(id).test10k);
    },
  );
});

describe('pare eval options', () => {
  it('the cpu backend, another batch size and a ragged last batch give the same counts', { timeout: 60_000 }, async () => {
    const wasm = json<AccuracySummary>(await runPare('eval', MLP, '--data', SUBSET_IMAGES, SUBSET_LABELS, '--json'));
    const cpu = json<AccuracySummary>(await runPare('eval', MLP, '--data', SUBSET_IMAGES, SUBSET_LABELS, '--backend', 'cpu', '--batch', '7', '--json'));
    expect(cpu).toMatchObject({ backend: 'cpu', batch: 7, samples: 1000 });
    expect(wasm).toMatchObject({ backend: 'wasm', batch: 64 });
    expect(cpu.confusion).toEqual(wasm.confusion);
    expect(cpu.loss).toBeCloseTo(wasm.loss, 5);
  });

  it('--scale replaces the metadata\'s scaling and says so; the wrong scale costs accuracy', { timeout: 60_000 }, async () => {
    const s = json<AccuracySummary>(await runPare('eval', MLP, '--data', SUBSET_IMAGES, SUBSET_LABELS, '--scale', '-1,1', '--json'));
    expect(s.preprocessing).toMatchObject({ scale: '-1,1', source: 'user' });
    expect(s.preprocessing!.description).toContain('scaled to [-1, 1] (as chosen)');
    expect(s.accuracy).toBeLessThan(figures('fashion-mlp').subset1000);
  });

  it('--labels names the classes of a model without metadata; without it, classes are output indices', { timeout: 60_000 }, async () => {
    const bare = join(tmp, 'mlp-no-metadata');
    await mkdir(bare, { recursive: true });
    const modelJson = JSON.parse(await readFile(join(MLP, 'model.json'), 'utf8'));
    delete modelJson.userDefinedMetadata;
    await writeFile(join(bare, 'model.json'), JSON.stringify(modelJson));
    await writeFile(join(bare, 'group1-shard1of1.bin'), await readFile(join(MLP, 'group1-shard1of1.bin')));

    const plain = json<AccuracySummary>(await runPare('eval', bare, '--data', SUBSET_IMAGES, SUBSET_LABELS, '--json'));
    expect(plain.classSource).toBe('indices');
    expect(plain.perClass.map((c) => c.name)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    // Inferred from the input shape, [0, 1]: the same as the sample's metadata, so the same accuracy.
    expect(plain.preprocessing).toMatchObject({ scale: '0,1', source: 'inferred' });
    expect(plain.accuracy).toBe(figures('fashion-mlp').subset1000);

    const named = json<AccuracySummary>(
      await runPare('eval', bare, '--data', SUBSET_IMAGES, SUBSET_LABELS, '--labels', join(SAMPLES, 'data/labels.txt'), '--json'),
    );
    expect(named.classSource).toBe('labels-file');
    expect(named.perClass.map((c) => c.name)).toEqual(readFileSync(join(SAMPLES, 'data/labels.txt'), 'utf8').trim().split('\n'));
    expect(named.confusion).toEqual(plain.confusion);

    // A model that names its classes keeps them, and the report says --labels was not used.
    const own = json<AccuracySummary>(await runPare('eval', MLP, '--data', SUBSET_IMAGES, SUBSET_LABELS, '--labels', join(SAMPLES, 'data/labels.txt'), '--json'));
    expect(own.warnings.map((w) => w.message)).toContain("--labels 'labels.txt' was not used: the model's metadata names its 10 classes.");
  });

  it('IDX, image folders (PNG), a zip of them and a pixel CSV give the same figures on the same images', { timeout: 60_000 }, async () => {
    const n = 40;
    const { pixels, labels } = plainIdx(SUBSET_IMAGES, SUBSET_LABELS);
    const names = readFileSync(join(SAMPLES, 'data/labels.txt'), 'utf8').trim().split('\n');
    const dir = join(tmp, 'kinds');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'images-idx3-ubyte.gz'), writeIdx([n, 28, 28], pixels.subarray(0, n * 784), { gzip: true }));
    await writeFile(join(dir, 'labels-idx1-ubyte.gz'), writeIdx([n], labels.subarray(0, n), { gzip: true }));

    // Folders named as a file system allows ('T-shirt_top' for 'T-shirt/top'), a corrupt PNG and a stray file.
    const folder = join(dir, 'photos');
    const zipEntries: Record<string, Uint8Array> = {};
    for (let i = 0; i < n; i++) {
      const cls = names[labels[i]].replace('/', '_');
      const png = makePng({ width: 28, height: 28, colourType: 0, pixels: pixels.subarray(i * 784, (i + 1) * 784) });
      await mkdir(join(folder, cls), { recursive: true });
      await writeFile(join(folder, cls, `${String(i).padStart(3, '0')}.png`), png);
      zipEntries[`photos/${cls}/${String(i).padStart(3, '0')}.png`] = png;
    }
    const whole = makePng({ width: 28, height: 28, colourType: 0, pixels: pixels.subarray(0, 784) });
    const broken = whole.subarray(0, whole.length >> 1); // cut in the middle of its image data
    await writeFile(join(folder, 'Bag', 'broken.png'), broken);
    zipEntries['photos/Bag/broken.png'] = broken;
    await writeFile(join(folder, 'notes.txt'), 'not an image');
    await writeFile(join(dir, 'photos.zip'), zipSync(zipEntries));

    const header = ['label', ...Array.from({ length: 784 }, (_, j) => `pixel${j + 1}`)].join(',');
    const rows = Array.from({ length: n }, (_, i) => [labels[i], ...pixels.subarray(i * 784, (i + 1) * 784)].join(','));
    await writeFile(join(dir, 'pixels.csv'), [header, ...rows].join('\n') + '\n');

    const idx = json<AccuracySummary>(await runPare('eval', MLP, '--data', join(dir, 'images-idx3-ubyte.gz'), join(dir, 'labels-idx1-ubyte.gz'), '--json'));
    const images = json<AccuracySummary>(await runPare('eval', MLP, '--data', folder, '--json'));
    const zip = json<AccuracySummary>(await runPare('eval', MLP, '--data', join(dir, 'photos.zip'), '--json'));
    const csv = json<AccuracySummary>(await runPare('eval', MLP, '--data', join(dir, 'pixels.csv'), '--json'));
    expect(idx.samples).toBe(n);
    for (const other of [images, zip, csv]) {
      expect(other.samples).toBe(n);
      expect(other.confusion).toEqual(idx.confusion);
      expect(other.loss).toBeCloseTo(idx.loss, 5);
    }
    for (const s of [images, zip]) {
      const reasons = s.skipped.map((k) => `${k.item}: ${k.reason}`).join('\n');
      expect(reasons).toMatch(/broken\.png/);
    }
    expect(images.skipped.map((k) => k.item).join(' ')).toContain('notes.txt');
    // The text report lists what was skipped and why.
    const text = await runPare('eval', MLP, '--data', folder);
    expect(text.out).toMatch(/^skipped     \d+ \(what could be used was used\):$/m);
    expect(text.out).toMatch(/^ {2}- .*broken\.png.*: .+$/m);
  });
});

describe('pare eval --reference (fidelity)', () => {
  const variants: Record<string, string> = {};

  beforeAll(async () => {
    for (const [id, dir] of [['fashion-mlp', MLP], ['fashion-cnn', CNN]]) {
      const out = join(tmp, `${id}-float16`);
      const r = await runPare('optimize', dir, '--out', out, '--quantize', 'float16', '--json');
      expect(r.status, r.err).toBe(0);
      variants[id] = out;
    }
  }, 120_000);

  it.each([['fashion-mlp', MLP], ['fashion-cnn', CNN]])('%s as float16 keeps agreement >= 0.99 and cosine >= 0.9999, on data and on generated inputs', { timeout: 60_000 }, async (id, dir) => {
    const onData = json<FidelitySummary>(await runPare('eval', variants[id], '--reference', dir, '--data', SUBSET_IMAGES, SUBSET_LABELS, '--json'));
    expect(onData).toMatchObject({ kind: 'fidelity', samples: 1000, weakProxy: false });
    expect(onData.agreement).toBeGreaterThanOrEqual(0.99);
    expect(onData.cosine).toBeGreaterThanOrEqual(0.9999);
    expect(onData.maxAbsDiff).toBeGreaterThan(0); // float16 really changed the weights
    expect(onData.maxAbsDiff).toBeLessThan(0.05);
    expect(Math.abs(onData.accuracy! - figures(id).subset1000)).toBeLessThanOrEqual(0.01);

    const generated = json<FidelitySummary>(await runPare('eval', variants[id], '--reference', dir, '--json'));
    expect(generated).toMatchObject({ kind: 'fidelity', samples: 256, weakProxy: true, accuracy: null });
    expect(generated.data).toContain('a weak proxy for real data');
    expect(generated.agreement).toBeGreaterThanOrEqual(0.99);
    expect(generated.cosine).toBeGreaterThanOrEqual(0.9999);
  });

  it('says plainly when fidelity is a weak proxy, and not otherwise', { timeout: 60_000 }, async () => {
    const weak = await runPare('eval', variants['fashion-mlp'], '--reference', MLP, '--samples', '32');
    expect(weak.status).toBe(0);
    expect(weak.out).toContain('WEAK PROXY: no --data was given, so fidelity is measured on generated inputs, not real data.');
    expect(weak.out).toMatch(/^samples\s+32$/m);
    const real = await runPare('eval', variants['fashion-mlp'], '--reference', MLP, '--data', SUBSET_IMAGES);
    expect(real.status).toBe(0);
    expect(real.out).not.toContain('WEAK PROXY');
    expect(real.out).toMatch(/^agreement\s+\d+\.\d\d%/m);
  });

  it('a different model does not pass for a faithful one', { timeout: 60_000 }, async () => {
    // The MLP against the CNN: same input and classes, different networks.
    const s = json<FidelitySummary>(await runPare('eval', MLP, '--reference', CNN, '--data', SUBSET_IMAGES, SUBSET_LABELS, '--json'));
    expect(s.agreement).toBeLessThan(0.97);
    expect(s.cosine).toBeLessThan(0.99);
  });
});

describe('pare eval with broken input', () => {
  it('an IDX pair whose counts differ exits 1 naming both files', { timeout: 60_000 }, async () => {
    const { pixels, labels } = plainIdx(SUBSET_IMAGES, SUBSET_LABELS);
    await writeFile(join(tmp, 'few-images-idx3-ubyte.gz'), writeIdx([1000, 28, 28], pixels.subarray(0, 1000 * 784), { gzip: true }));
    await writeFile(join(tmp, 'few-labels-idx1-ubyte.gz'), writeIdx([999], labels.subarray(0, 999), { gzip: true }));
    const r = await spawnPare('eval', MLP, '--data', join(tmp, 'few-images-idx3-ubyte.gz'), join(tmp, 'few-labels-idx1-ubyte.gz'));
    expect(r).toEqual({
      status: 1,
      out: '',
      // src/files gunzips once: the readers name the files by their contents' names, without '.gz'.
      err: "pare: 'few-labels-idx1-ubyte' has 999 labels; 'few-images-idx3-ubyte' has 1,000 images.\n",
    });
  });

  it('usage and data errors exit non-zero with one line saying what is wrong', { timeout: 60_000 }, async () => {
    const cases: [string[], number, RegExp][] = [
      [['eval', MLP, '--data', SUBSET_IMAGES, SUBSET_LABELS, '--backend', 'gpu'], 2, /^pare: --backend must be one of wasm, cpu; found 'gpu'\.$/],
      [['eval', join(SAMPLES, 'data/labels.txt'), '--data', SUBSET_IMAGES, SUBSET_LABELS], 1, /^pare: 'labels\.txt' is not a TF\.js model; expected a TF\.js model JSON/],
      [['eval', join(tmp, 'nothing-here'), '--data', SUBSET_IMAGES], 2, /^pare: There is no file or folder at '.*nothing-here'\.$/],
      [['eval', MLP, '--data', join(tmp, 'no-such.gz')], 2, /^pare: --data: there is no file or folder at '.*no-such\.gz'; expected an image folder, a zip, a CSV, or an IDX images file and its labels file\.$/],
      [['eval', MLP, '--data'], 2, /^pare: --data needs at least one path after it: an image folder, a zip, a CSV, or an IDX images file and its labels file\.$/],
      [['eval', MLP, '--data', '--json'], 2, /^pare: --data needs at least one path after it/],
      [['eval', MLP], 2, /^pare: 'pare eval' needs --data <path\.\.\.> to measure accuracy, or --reference <original> to measure fidelity/],
      [['eval', '--data', SUBSET_IMAGES, SUBSET_LABELS, MLP], 2, /^pare: 'pare eval' takes one model path .* found none\. Give the model first: --data takes every path up to the next option/],
      [['eval', MLP, '--data', SUBSET_IMAGES], 1, /^pare: The data \(1,000 images .*unlabelled\) has no labels, so accuracy cannot be measured; give the labels too/],
      [['eval', MLP, '--data', SUBSET_IMAGES, SUBSET_LABELS, '--scale', '0,2'], 2, /^pare: --scale must be one of 0,1, -1,1, 0,255; found '0,2'\.$/],
      [['eval', MLP, '--data', SUBSET_IMAGES, SUBSET_LABELS, '--batch', '0'], 2, /^pare: --batch must be a whole number of at least 1; found '0'\.$/],
      [['eval', MLP, '--data', SUBSET_IMAGES, SUBSET_LABELS, '--labels', join(tmp, 'nope.txt')], 2, /^pare: --labels: there is no file at /],
      [['eval', MLP, '--data', SUBSET_IMAGES, SUBSET_LABELS, T10K_IMAGES], 1, /^pare: Found 3 IDX files \(.*\); expected one images file and, optionally, its labels file\.$/],
    ];
    for (const [args, status, message] of cases) {
      const r = await runPare(...args);
      expect(r.out, args.join(' ')).toBe('');
      expect(r.err.trimEnd(), args.join(' ')).toMatch(message);
      expect(r.err.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.status, args.join(' ')).toBe(status);
    }
  });

  it('data that does not fit the model exits 1 with both shapes', { timeout: 60_000 }, async () => {
    await writeFile(join(tmp, 'three.csv'), 'a,b,c,label\n1,2,3,0\n');
    const r = await runPare('eval', MLP, '--data', join(tmp, 'three.csv'));
    expect(r.status).toBe(1);
    expect(r.err).toBe("pare: 'three.csv' has 3 feature columns besides the label column 'label'; the model's input [null, 28, 28, 1] takes 784 values per sample.\n");
  });
});

describe('pare eval help and argument splitting', () => {
  it('--help documents the data kinds, the options and the JSON', async () => {
    const r = await runPare('eval', '--help');
    expect(r.status).toBe(0);
    expect(r.out).toContain('Usage: pare eval <model> --data <path...> [options]');
    for (const flag of ['--reference', '--labels', '--scale', '--backend', '--batch', '--json', 'weakProxy', 'IDX files']) expect(r.out).toContain(flag);
    expect((await runPare('--help')).out).toMatch(/^\s+eval\s+Measure a model/m);
  });

  it('--data takes every path up to the next option, and --data=path', () => {
    expect(splitDataPaths(['m', '--data', 'a', 'b', '--json'])).toEqual({ rest: ['m', '--json'], data: ['a', 'b'] });
    expect(splitDataPaths(['--data=a', 'm', '--data', 'b'])).toEqual({ rest: ['m'], data: ['a', 'b'] });
    expect(splitDataPaths(['m', '--json'])).toEqual({ rest: ['m', '--json'], data: null });
    expect(() => splitDataPaths(['m', '--data'])).toThrow(/--data needs at least one path/);
  });
});
