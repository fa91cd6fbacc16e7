/**
 * Trains Pare's two sample models on Debian's Fashion-MNIST with the project's own TF.js, in Node, and writes
 * them with a labelled evaluation subset under public/samples/:
 *
 *   npx tsx scripts/train-samples.ts            # about 15 minutes on 2 cores (wasm backend)
 *   npx tsx scripts/train-samples.ts --quick    # a few batches into /tmp/pare-samples-quick, to try the script
 *
 * Options: --out <dir>, --backend wasm|cpu (wasm falls back to cpu when its gradients are wrong or it cannot
 * start), --epochs <n> (both models), --seed <n>.
 *
 * Reproducibility: the weight initialisers and the shuffle are seeded and the loop is single-threaded, so a
 * rerun on the same backend with the same TF.js gives bit-identical shards (compare the SHA-256 sums printed
 * and kept in README.md). The wasm and cpu backends round differently, and XNNPACK may pick other kernels on
 * another CPU, so other backends or machines give slightly different weights and accuracies (within a few
 * tenths of a percent), never identical bytes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { writeIdx, type IdxImageSet } from '../src/data/idx';
import { setUpTrainingBackend, type TrainBackend } from './train-samples/backend';
import { CLASSES, FASHION_MNIST_LABELS, PIXELS, makeBatch, permutation, readSplit, seededRandom } from './train-samples/data';
import { countCorrect, loadLayersModelFromDir, saveLayersModel, SHARD_NAME } from './train-samples/files';
import { SAMPLES, type SampleSpec } from './train-samples/models';
import { writeSamplesReadme, type SampleResult } from './train-samples/report';

const SUBSET = 1000;
const BATCH = 128;
const LEARNING_RATE = 1e-3;
export const SUBSET_IMAGES = `data/fashion-mnist-test-${SUBSET}-images-idx3-ubyte.gz`;
export const SUBSET_LABELS = `data/fashion-mnist-test-${SUBSET}-labels-idx1-ubyte.gz`;

interface Options {
  out: string;
  backend: TrainBackend;
  epochs: Record<SampleSpec['id'], number>;
  seed: number;
  /** Batches per epoch; Infinity for the whole training set. */
  maxBatches: number;
}

function parseArgs(argv: string[]): Options {
  const quick = argv.includes('--quick');
  const value = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const epochs = value('--epochs');
  const backend = value('--backend') ?? 'wasm';
  if (backend !== 'wasm' && backend !== 'cpu') throw new Error(`--backend is wasm or cpu; got '${backend}'.`);
  return {
    out: path.resolve(value('--out') ?? (quick ? '/tmp/pare-samples-quick' : 'public/samples')),
    backend,
    epochs: epochs
      ? { 'fashion-mlp': Number(epochs), 'fashion-cnn': Number(epochs) }
      : { 'fashion-mlp': quick ? 1 : 5, 'fashion-cnn': quick ? 1 : 5 },
    seed: Number(value('--seed') ?? 42),
    maxBatches: quick ? 20 : Infinity,
  };
}

const seconds = (t0: number) => (performance.now() - t0) / 1000;

/** Trains with Adam on seeded shuffles, printing progress; returns the wall-clock seconds. */
async function train(model: tf.LayersModel, spec: SampleSpec, train: IdxImageSet, test: IdxImageSet, o: Options) {
  model.compile({ optimizer: tf.train.adam(LEARNING_RATE), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const random = seededRandom(o.seed * 1000 + 7);
  const batches = Math.min(Math.ceil(train.count / BATCH), o.maxBatches);
  const t0 = performance.now();
  for (let epoch = 1; epoch <= o.epochs[spec.id]; epoch++) {
    const order = permutation(train.count, random);
    let loss = 0;
    let acc = 0;
    let seen = 0;
    for (let b = 0; b < batches; b++) {
      const idx = order.subarray(b * BATCH, Math.min((b + 1) * BATCH, train.count));
      const { xs, ys } = makeBatch(train, idx);
      const x = tf.tensor4d(xs, [idx.length, 28, 28, 1]);
      const y = tf.tensor2d(ys, [idx.length, CLASSES]);
      const [l, a] = (await model.trainOnBatch(x, y)) as number[];
      x.dispose();
      y.dispose();
      loss += l * idx.length;
      acc += a * idx.length;
      seen += idx.length;
      if ((b + 1) % 100 === 0) {
        console.log(`  ${spec.id} epoch ${epoch} batch ${b + 1}/${batches} loss ${(loss / seen).toFixed(4)} ` +
          `acc ${(acc / seen).toFixed(4)} (${seconds(t0).toFixed(0)} s)`);
      }
    }
    const testAcc = countCorrect(model, test) / test.count;
    console.log(`${spec.id} epoch ${epoch}/${o.epochs[spec.id]}: loss ${(loss / seen).toFixed(4)}, ` +
      `train acc ${(acc / seen).toFixed(4)}, test acc ${testAcc.toFixed(4)}, ${seconds(t0).toFixed(0)} s`);
  }
  return seconds(t0);
}

function pareMetadata(spec: SampleSpec, o: Options, backend: string, testAccuracy: number) {
  const epochs = o.epochs[spec.id];
  return {
    pare: {
      labels: FASHION_MNIST_LABELS,
      preprocessing: {
        input: 'grayscale 28x28',
        height: 28,
        width: 28,
        channels: 1,
        scale: [0, 1],
        layout: 'NHWC',
        inputShape: [28, 28, 1],
        note: 'pixel / 255, light garment on a black background as in the IDX files; no mean subtraction',
      },
      dataset: 'fashion-mnist',
      trainedWith:
        `@tensorflow/tfjs ${tf.version.tfjs}, ${backend} backend, Node ${process.version}, ` +
        `Adam lr ${LEARNING_RATE}, batch ${BATCH}, ${epochs} epochs, seed ${o.seed}, scripts/train-samples.ts`,
      training: { epochs, batchSize: BATCH, optimizer: 'adam', learningRate: LEARNING_RATE, seed: o.seed, backend },
      testAccuracy,
    },
  };
}

/** Accuracy of the files on disk: reloaded with the stock loader and run on `backend`. */
async function evaluateFiles(dir: string, backend: string, test: IdxImageSet) {
  const previous = tf.getBackend();
  await tf.setBackend(backend);
  const model = await loadLayersModelFromDir(dir);
  const t0 = performance.now();
  const full = countCorrect(model, test);
  const subset = countCorrect(model, test, SUBSET);
  const secs = seconds(t0);
  model.dispose();
  await tf.setBackend(previous);
  return { full, subset, secs };
}

async function trainOne(spec: SampleSpec, data: { train: IdxImageSet; test: IdxImageSet }, o: Options, backend: string) {
  console.log(`\n== ${spec.id}: ${spec.name}`);
  const model = spec.build(o.seed);
  model.summary(undefined, undefined, (line) => console.log(line));
  const trainSeconds = await train(model, spec, data.train, data.test, o);
  const inMemory = countCorrect(model, data.test) / data.test.count;
  const dir = path.join(o.out, spec.id);
  model.setUserDefinedMetadata(pareMetadata(spec, o, backend, inMemory));
  const saved = await saveLayersModel(model, dir);
  const params = model.countParams();
  model.dispose();

  // The shipped figures are those of the files as written, through the stock loader, on the cpu backend (the
  // default of stock TF.js in Node, which src/evaluate/samples.test.ts uses) and, as a cross-check, on wasm.
  const cpu = await evaluateFiles(dir, 'cpu', data.test);
  const other = backend === 'cpu' ? cpu : await evaluateFiles(dir, backend, data.test);
  console.log(`${spec.id} files: cpu ${cpu.full}/${data.test.count} (${cpu.secs.toFixed(1)} s), ` +
    `${backend} ${other.full}/${data.test.count}; subset cpu ${cpu.subset}/${SUBSET}, ${backend} ${other.subset}/${SUBSET}`);
  const test10k = cpu.full / data.test.count;
  let final = saved;
  if (test10k !== inMemory) {
    // The loaded weights are the same float32 values, so this should not happen; if it does, ship the truth.
    console.warn(`${spec.id}: in-memory accuracy ${inMemory} differs from the files' ${test10k}; rewriting metadata.`);
    const again = await loadLayersModelFromDir(dir);
    again.setUserDefinedMetadata(pareMetadata(spec, o, backend, test10k));
    final = await saveLayersModel(again, dir);
    again.dispose();
  }
  const result: SampleResult = {
    id: spec.id,
    name: spec.name,
    description: spec.description,
    params,
    weightBytes: final.weightBytes,
    modelJsonBytes: final.modelJsonBytes,
    shardSha256: final.shardSha256,
    test10k,
    subset1000: cpu.subset / SUBSET,
    otherBackend: backend === 'cpu' ? undefined : { name: backend, test10k: other.full / data.test.count, subset1000: other.subset / SUBSET },
    epochs: o.epochs[spec.id],
    trainSeconds,
  };
  console.log(`${spec.id}: ${params} params, test ${test10k}, subset ${result.subset1000}, ` +
    `${trainSeconds.toFixed(0)} s, shard sha256 ${final.shardSha256}`);
  return result;
}

/** The first SUBSET test images and labels as gzipped IDX files, and the class names. */
function writeSubset(test: IdxImageSet, out: string) {
  mkdirSync(path.join(out, 'data'), { recursive: true });
  writeFileSync(path.join(out, SUBSET_IMAGES), writeIdx([SUBSET, 28, 28], test.images.subarray(0, SUBSET * PIXELS), { gzip: true }));
  writeFileSync(path.join(out, SUBSET_LABELS), writeIdx([SUBSET], test.labels.subarray(0, SUBSET), { gzip: true }));
  writeFileSync(path.join(out, 'data', 'labels.txt'), FASHION_MNIST_LABELS.join('\n') + '\n');
}

function writeIndex(results: SampleResult[], out: string) {
  const index = results.map((r) => ({
    id: r.id,
    name: r.name,
    description: r.description,
    files: [`${r.id}/model.json`, `${r.id}/${SHARD_NAME}`],
    params: r.params,
    weightBytes: r.weightBytes,
    accuracy: { test10k: r.test10k, subset1000: r.subset1000 },
    data: { images: SUBSET_IMAGES, labels: SUBSET_LABELS, labelNames: 'data/labels.txt' },
  }));
  writeFileSync(path.join(out, 'index.json'), JSON.stringify(index, null, 2) + '\n');
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const t0 = performance.now();
  const data = { train: readSplit('train'), test: readSplit('t10k') };
  console.log(`Fashion-MNIST: ${data.train.count} training, ${data.test.count} test images; out ${o.out}`);

  const probeIdx = Array.from({ length: 16 }, (_, i) => i);
  const probe = makeBatch(data.train, probeIdx);
  const { backend, note } = await setUpTrainingBackend(
    o.backend,
    SAMPLES.map((s) => () => ({ model: s.build(o.seed), xs: probe.xs, xShape: [16, 28, 28, 1], ys: probe.ys })),
  );
  console.log(`backend: ${backend} (${note})`);

  mkdirSync(o.out, { recursive: true });
  writeSubset(data.test, o.out);
  const results: SampleResult[] = [];
  for (const spec of SAMPLES) results.push(await trainOne(spec, data, o, backend));
  writeIndex(results, o.out);
  writeSamplesReadme(results, { backend: note, out: o.out, totalSeconds: seconds(t0), seed: o.seed, batch: BATCH });
  console.log(`\ndone in ${seconds(t0).toFixed(0)} s; wrote ${o.out}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
