/**
 * The shipped sample models (public/samples, written by scripts/train-samples.ts) load with stock TF.js and
 * score on the shipped 1,000-image subset exactly what index.json says. Runs on the cpu backend, the stock
 * default in Node, which is also where the script measured the figures.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { readIdxPair, type IdxImageSet } from '../data/idx';

const SAMPLES = path.resolve(__dirname, '../../public/samples');
const FASHION_MNIST = '/usr/share/datasets/fashion-mnist';

interface SampleEntry {
  id: string;
  name: string;
  files: string[];
  params: number;
  accuracy: { test10k: number; subset1000: number };
  data: { images: string; labels: string };
}

const FASHION_MNIST_LABELS = [
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
];

const index: SampleEntry[] = JSON.parse(readFileSync(path.join(SAMPLES, 'index.json'), 'utf8'));
const bytes = (rel: string) => new Uint8Array(readFileSync(path.join(SAMPLES, rel)));

/** Loads a sample exactly as listed in index.json, through the stock loader. */
async function loadSample(entry: SampleEntry): Promise<tf.LayersModel> {
  const jsonFile = entry.files.find((f) => f.endsWith('model.json'))!;
  const json = JSON.parse(new TextDecoder().decode(bytes(jsonFile))) as tf.io.ModelJSON;
  const dir = path.posix.dirname(jsonFile);
  const artifacts = await tf.io.getModelArtifactsForJSON(json, async (manifest) => {
    const shards = manifest.flatMap((g) => g.paths).map((p) => {
      const rel = path.posix.join(dir, p);
      expect(entry.files).toContain(rel);
      return bytes(rel).slice().buffer as ArrayBuffer;
    });
    return [manifest.flatMap((g) => g.weights), tf.io.CompositeArrayBuffer.join(shards)];
  });
  return tf.loadLayersModel(tf.io.fromMemory(artifacts));
}

/** Plain predict loop: argmax of the output against the label, pixels / 255 as the metadata says. */
function countCorrect(model: tf.LayersModel, set: IdxImageSet): number {
  const per = set.imageShape.reduce((a, b) => a * b, 1);
  let correct = 0;
  for (let start = 0; start < set.count; start += 250) {
    const n = Math.min(250, set.count - start);
    const xs = Float32Array.from(set.images.subarray(start * per, (start + n) * per), (p) => p / 255);
    const predicted = tf.tidy(() =>
      (model.predict(tf.tensor4d(xs, [n, 28, 28, 1])) as tf.Tensor).argMax(-1).dataSync(),
    );
    for (let k = 0; k < n; k++) if (predicted[k] === set.labels[start + k]) correct++;
  }
  return correct;
}

describe('shipped sample models', () => {
  beforeAll(async () => {
    tf.enableProdMode();
    await tf.setBackend('cpu');
  });

  it('lists both samples with their files present', () => {
    expect(index.map((e) => e.id).sort()).toEqual(['fashion-cnn', 'fashion-mlp']);
    for (const e of index) {
      for (const f of [...e.files, e.data.images, e.data.labels]) expect(existsSync(path.join(SAMPLES, f)), f).toBe(true);
      expect(e.accuracy.test10k).toBeGreaterThan(0.85);
      expect(e.accuracy.test10k).toBeLessThan(1);
    }
  });

  it('ships labels.txt with the 10 class names in label order', () => {
    const text = readFileSync(path.join(SAMPLES, 'data/labels.txt'), 'utf8');
    expect(text.trim().split('\n')).toEqual(FASHION_MNIST_LABELS);
  });

  it('ships the first 1,000 images and labels of the t10k test set', () => {
    const { data } = index[0];
    const subset = readIdxPair({ name: data.images, data: bytes(data.images) }, { name: data.labels, data: bytes(data.labels) });
    const t10k = readIdxPair(
      { name: 't10k-images', data: new Uint8Array(readFileSync(`${FASHION_MNIST}/t10k-images-idx3-ubyte.gz`)) },
      { name: 't10k-labels', data: new Uint8Array(readFileSync(`${FASHION_MNIST}/t10k-labels-idx1-ubyte.gz`)) },
    );
    expect(subset.count).toBe(1000);
    // Buffer.equals, not toEqual: a deep comparison of 784,000 elements takes seconds.
    expect(Buffer.from(subset.images).equals(t10k.images.subarray(0, 1000 * 784))).toBe(true);
    expect(Buffer.from(subset.labels).equals(t10k.labels.subarray(0, 1000))).toBe(true);
    for (const e of index) expect(e.data).toEqual(data);
  });

  for (const entry of index) {
    it(`${entry.id} loads with stock TF.js and scores index.json's subset accuracy`, async () => {
      const set = readIdxPair(
        { name: entry.data.images, data: bytes(entry.data.images) },
        { name: entry.data.labels, data: bytes(entry.data.labels) },
      );
      expect(set.count).toBe(1000);
      expect(set.imageShape).toEqual([28, 28]);

      const model = await loadSample(entry);
      try {
        expect(model.countParams()).toBe(entry.params);
        expect(model.inputs[0].shape).toEqual([null, 28, 28, 1]);
        expect(model.outputs[0].shape).toEqual([null, 10]);

        const meta = model.getUserDefinedMetadata() as { pare: Record<string, unknown> };
        expect(meta.pare.labels).toEqual(FASHION_MNIST_LABELS);
        expect(meta.pare.dataset).toBe('fashion-mnist');
        expect(meta.pare.preprocessing).toMatchObject({ scale: [0, 1], height: 28, width: 28, channels: 1 });
        expect(meta.pare.testAccuracy).toBe(entry.accuracy.test10k);

        const accuracy = countCorrect(model, set) / set.count;
        expect(Math.abs(accuracy - entry.accuracy.subset1000)).toBeLessThan(1e-9);
      } finally {
        model.dispose();
      }
    });
  }
});
