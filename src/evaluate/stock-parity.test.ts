/**
 * Pare's evaluation of the shipped sample models on real data (the first 500 of Debian's Fashion-MNIST t10k)
 * against what a stock TF.js predict loop gives on the same files: same correct count, same mean loss.
 * The whole path is the real one: openModel on the files, dataTargetFor, openDataset on IDX bytes, evaluateModel.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { openModel } from '../formats';
import { loadTfModel } from '../model/load-tf';
import { evaluateModel } from './evaluate';
import { readIdxPair, writeIdx } from '../data/idx';
import { openDataset } from '../data/open-dataset';
import { dataTargetFor } from './target';

const SAMPLES = join(process.cwd(), 'public/samples');
const DEBIAN = '/usr/share/datasets/fashion-mnist';
const COUNT = 500;

const debian = (name: string) => ({ name, data: new Uint8Array(readFileSync(join(DEBIAN, name))) });
const test = readIdxPair(debian('t10k-images-idx3-ubyte.gz'), debian('t10k-labels-idx1-ubyte.gz'));
// The first 500, written back as gzipped IDX bytes, as a user would drop them.
const files = [
  { name: 'first500-images-idx3-ubyte.gz', data: writeIdx([COUNT, 28, 28], test.images.subarray(0, COUNT * 784), { gzip: true }) },
  { name: 'first500-labels-idx1-ubyte.gz', data: writeIdx([COUNT], test.labels.subarray(0, COUNT), { gzip: true }) },
];

/** What anyone would write with stock TF.js: x / 255, predict, argmax, categorical cross-entropy. */
async function stockLoop(model: tf.LayersModel): Promise<{ correct: number; loss: number }> {
  const shape = model.inputs[0].shape.map((d) => d ?? COUNT);
  return tf.tidy(() => {
    const x = tf.tensor(test.images.subarray(0, COUNT * 784), [COUNT, 784], 'float32').div(255).reshape(shape);
    const y = model.predict(x) as tf.Tensor;
    const labels = tf.tensor1d(test.labels.subarray(0, COUNT), 'int32');
    const correct = y.argMax(-1).equal(labels).sum().dataSync()[0];
    const loss = tf.metrics.categoricalCrossentropy(tf.oneHot(labels, 10), y).mean().dataSync()[0];
    return { correct, loss };
  });
}

const sampleIds = ['fashion-mlp', 'fashion-cnn'].filter((id) => existsSync(join(SAMPLES, id, 'model.json')));

beforeAll(async () => {
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
});

describe.skipIf(sampleIds.length === 0)('sample models on the first 500 Fashion-MNIST test images', () => {
  it.each(sampleIds)('%s: evaluateModel gives the stock predict loop\'s accuracy and loss', async (id) => {
    const modelFiles = readdirSync(join(SAMPLES, id)).map((f) => ({ name: f, data: new Uint8Array(readFileSync(join(SAMPLES, id, f))) }));
    const opened = await openModel(modelFiles);
    const target = dataTargetFor(opened);
    // The sample states its preprocessing; nothing had to be set up.
    expect(target.preprocessing).toMatchObject({ height: 28, width: 28, channels: 1, scale: '0,1', source: 'metadata' });
    expect(target.modelLabels).toHaveLength(10);
    const data = openDataset(files, target);
    expect(data.size).toBe(COUNT);

    const model = await loadTfModel(opened.artifacts, 'layers-model');
    try {
      const stock = await stockLoop(model);
      const before = tf.memory().numTensors;
      const r = await evaluateModel(model, data, { batchSize: 64 });
      expect(tf.memory().numTensors).toBe(before);
      expect(r.samples).toBe(COUNT);
      expect(r.accuracy!.accuracy).toBe(stock.correct / COUNT);
      expect(r.accuracy!.loss).toBeCloseTo(stock.loss, 4);
      expect(r.accuracy!.outputs).toBe('probabilities');
      expect(r.accuracy!.top5).toBeGreaterThanOrEqual(r.accuracy!.accuracy);
      // Per-class totals are the label counts of these 500 images.
      const counts = new Array(10).fill(0);
      for (const l of test.labels.subarray(0, COUNT)) counts[l]++;
      expect(r.accuracy!.perClass.map((c) => c.total)).toEqual(counts);
      expect(r.accuracy!.perClass[0].name).toBe(target.modelLabels![0]);
      // A trained sample, not a random one: Fashion-MNIST models of this kind get well above 80%.
      expect(r.accuracy!.accuracy).toBeGreaterThan(0.8);
    } finally {
      model.dispose();
    }
  });
});
