/**
 * Training throughput of Pare's loop (src/train) against a bare `tf.LayersModel.fit` at the same batch size and
 * backend, in the same process, on the same real data; then the wasm gradient kernels' timings.
 *
 *   npm run bench:train [-- --backend wasm|cpu] [--batch 64] [--rounds 3] [--models mlp,cnn] [--samples N] [--kernels no]
 *
 * Both loops train one epoch over the first samples of Debian's Fashion-MNIST training set with Adam (lr 1e-3):
 * fit on the sample as shipped (softmax + categorical cross-entropy, accuracy metric, shuffled), Pare's loop on
 * the same weights with the softmax made linear (cross-entropy from logits, accuracy, a seeded shuffle, no
 * validation split), as the finetune step trains. They alternate for a few rounds on fresh copies; the medians of
 * samples/s are compared. The target is a ratio of at least 0.90.
 *
 * Kernel timings: each wasm gradient kernel Pare registers, at the shapes of the sample CNN and of MobileNetV2
 * blocks, against a kernel wasm ships for the same convolution (its Conv2DBackpropInput; for depthwise, the forward
 * depthwise convolution), and at the CNN's shapes against the cpu backend's own kernel.
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { quantile } from '../src/benchmark/stats';
import { parseBackend, useBackend } from '../src/cli/backend';
import { readInput } from '../src/cli/read-input';
import { readIdxDataset } from '../src/data/idx-dataset';
import { inMemoryDataset, type Dataset } from '../src/evaluate/dataset';
import { dataTargetFor } from '../src/evaluate/target';
import { openModel } from '../src/formats';
import type { InputFile, OpenedModel } from '../src/model/types';
import { trainingTopology, trainLayersModel } from '../src/train';

const DATA = '/usr/share/datasets/fashion-mnist';
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};
const file = (path: string): InputFile => ({ name: path.split('/').pop()!, data: new Uint8Array(readFileSync(path)) });

function load(model: OpenedModel, logits: boolean): Promise<tf.LayersModel> {
  const topology = logits ? trainingTopology(model.artifacts.modelTopology).topology : model.artifacts.modelTopology;
  return tf.loadLayersModel(tf.io.fromMemory({ ...model.artifacts, modelTopology: topology as tf.io.ModelArtifacts['modelTopology'] }));
}

async function bareFit(model: OpenedModel, data: Dataset, batch: number): Promise<number> {
  const m = await load(model, false);
  m.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const x = tf.tensor(data.inputs!, [data.size, ...data.sampleShape]);
  const y = tf.oneHot(tf.tensor1d(data.labels!, 'int32'), 10);
  const t0 = performance.now();
  await m.fit(x, y, { epochs: 1, batchSize: batch, shuffle: true, verbose: 0 });
  const seconds = (performance.now() - t0) / 1000;
  tf.dispose([x, y]);
  m.dispose();
  return data.size / seconds;
}

async function pareLoop(model: OpenedModel, data: Dataset, batch: number, round: number): Promise<number> {
  const m = await load(model, true);
  const t0 = performance.now();
  await trainLayersModel(m, data, { epochs: 1, batch, learningRate: 1e-3, seed: round + 1, output: 'logits', validation: 0 });
  const seconds = (performance.now() - t0) / 1000;
  m.dispose();
  return data.size / seconds;
}

async function throughput(name: string, samples: number, batch: number, rounds: number): Promise<void> {
  const model = await openModel(await readInput(`public/samples/fashion-${name}`));
  const all = readIdxDataset(file(`${DATA}/train-images-idx3-ubyte.gz`), file(`${DATA}/train-labels-idx1-ubyte.gz`), dataTargetFor(model));
  const per = all.sampleShape.reduce((a, b) => a * b, 1);
  const data = inMemoryDataset({ ...all, inputs: all.inputs!.subarray(0, samples * per), labels: all.labels!.subarray(0, samples) });
  // One short warm-up of each, so neither pays for first-call compilation in the measured rounds.
  const warm = inMemoryDataset({ ...all, inputs: all.inputs!.subarray(0, batch * 4 * per), labels: all.labels!.subarray(0, batch * 4) });
  await bareFit(model, warm, batch);
  await pareLoop(model, warm, batch, 0);
  const fit: number[] = [];
  const pare: number[] = [];
  for (let r = 0; r < rounds; r++) {
    fit.push(await bareFit(model, data, batch));
    pare.push(await pareLoop(model, data, batch, r));
  }
  const f = quantile(fit, 0.5);
  const p = quantile(pare, 0.5);
  console.log(`${name.padEnd(4)} ${samples.toLocaleString('en-US')} samples, batch ${batch}: fit ${f.toFixed(0)} samples/s, Pare loop ${p.toFixed(0)} samples/s, ratio ${(p / f).toFixed(3)}  (rounds fit ${fit.map((v) => v.toFixed(0)).join('/')}, pare ${pare.map((v) => v.toFixed(0)).join('/')})`);
}

function timeKernel(run: () => tf.Tensor, reps: number): number {
  tf.tidy(() => run().dataSync()); // warm-up
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    tf.tidy(() => run().dataSync());
    times.push(performance.now() - t0);
  }
  return quantile(times, 0.5);
}

interface KernelCase {
  what: string;
  x: [number, number, number, number];
  f: [number, number, number, number];
  strides: number;
  depthwise: boolean;
  /** Whether to time the cpu backend's kernel too (its plain loops take seconds at the larger shapes). */
  cpu: boolean;
}

const run = (name: string, inputs: tf.NamedTensorMap, attrs: object) => () => tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap) as tf.Tensor;

async function kernels(reps: number): Promise<void> {
  const cases: KernelCase[] = [
    { what: 'CNN conv1 3x3 same', x: [64, 28, 28, 1], f: [3, 3, 1, 32], strides: 1, depthwise: false, cpu: true },
    { what: 'CNN conv2 3x3 same', x: [64, 14, 14, 32], f: [3, 3, 32, 64], strides: 1, depthwise: false, cpu: false },
    { what: 'conv 3x3 stride 2', x: [16, 56, 56, 24], f: [3, 3, 24, 48], strides: 2, depthwise: false, cpu: false },
    { what: 'MobileNetV2 dw 3x3 s1', x: [16, 28, 28, 192], f: [3, 3, 192, 1], strides: 1, depthwise: true, cpu: false },
    { what: 'MobileNetV2 dw 3x3 s2', x: [16, 56, 56, 144], f: [3, 3, 144, 1], strides: 2, depthwise: true, cpu: false },
  ];
  // The reference is a kernel wasm ships for the same convolution: its own input gradient (Conv2DBackpropInput)
  // for Conv2D, the forward depthwise convolution for depthwise (wasm has no depthwise gradient of its own).
  console.log('\nwasm gradient kernels, median ms over ' + reps + ' calls (reference: a kernel wasm ships for the same convolution):');
  for (const c of cases) {
    const times: Record<string, number> = {};
    for (const backend of c.cpu ? (['wasm', 'cpu'] as const) : (['wasm'] as const)) {
      await tf.setBackend(backend);
      const x = tf.randomUniform(c.x, -1, 1, 'float32', 1) as tf.Tensor4D;
      const f = tf.randomUniform(c.f, -1, 1, 'float32', 2) as tf.Tensor4D;
      const y = c.depthwise ? tf.depthwiseConv2d(x, f, c.strides, 'same') : tf.conv2d(x, f, c.strides, 'same');
      const dy = tf.randomUniform(y.shape, -1, 1, 'float32', 3) as tf.Tensor4D;
      const attrs = { strides: c.strides, pad: 'same', dilations: 1, dataFormat: 'NHWC' };
      const n = backend === 'cpu' ? 1 : reps;
      const filterName = c.depthwise ? 'DepthwiseConv2dNativeBackpropFilter' : 'Conv2DBackpropFilter';
      times[`${backend} filter`] = timeKernel(run(filterName, { x, dy }, { ...attrs, filterShape: c.f }), n);
      if (c.depthwise) times[`${backend} input`] = timeKernel(run('DepthwiseConv2dNativeBackpropInput', { dy, filter: f }, { ...attrs, inputShape: c.x }), n);
      if (backend === 'wasm') {
        times.reference = c.depthwise
          ? timeKernel(run('DepthwiseConv2dNative', { x, filter: f }, attrs), n)
          : timeKernel(run('Conv2DBackpropInput', { dy, filter: f }, { ...attrs, inputShape: c.x }), n);
      }
      tf.dispose([x, f, y, dy]);
    }
    const cpu = (k: string) => (times[`cpu ${k}`] === undefined ? '' : `, cpu ${times[`cpu ${k}`]!.toFixed(0)} ms`);
    const ref = c.depthwise ? 'depthwise forward' : 'wasm Conv2DBackpropInput';
    const input = c.depthwise ? `; input grad ${times['wasm input']!.toFixed(2)} ms (${(times['wasm input']! / times.reference!).toFixed(2)}x)` : '';
    console.log(`  ${c.what.padEnd(23)} x ${c.x.join('x').padEnd(12)} ${ref} ${times.reference!.toFixed(2)} ms; filter grad ${times['wasm filter']!.toFixed(2)} ms (${(times['wasm filter']! / times.reference!).toFixed(2)}x${cpu('filter')})${input}`);
  }
  await tf.setBackend('wasm');
}

async function main(): Promise<void> {
  const backend = parseBackend(arg('backend', 'wasm'));
  await useBackend(backend);
  const batch = Number(arg('batch', '64'));
  const rounds = Number(arg('rounds', '3'));
  const models = arg('models', 'mlp,cnn').split(',').filter((m) => m !== 'none');
  console.log(`backend ${tf.getBackend()}, TF.js ${tf.version.tfjs}`);
  const samples = Number(arg('samples', '0'));
  for (const name of models) await throughput(name, samples || (name === 'cnn' ? 1024 : 4096), batch, rounds);
  if (backend === 'wasm' && arg('kernels', 'yes') !== 'no') await kernels(5);
}

void main();
