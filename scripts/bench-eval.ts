/**
 * Evaluation throughput against a bare predict loop, in the same process, on the same data:
 *
 *   npx tsx scripts/bench-eval.ts [--backend cpu|wasm] [--batch 64] [--samples 10000] [--rounds 5]
 *
 * The model is the Fashion-MNIST MLP sample (public/samples/fashion-mlp) when it exists, else a 784-300-100-10
 * MLP built here with seeded random weights (its accuracy is meaningless; its speed is what counts). The data is
 * Debian's Fashion-MNIST test set, read once into memory. The bare loop does what any script would: tensor from
 * the batch, predict, await data(), dispose. evaluateModel does that plus the metrics. The two alternate for a
 * few rounds and the median of each is compared; the target is a ratio of at least 0.90.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { DataTarget } from '../src/evaluate/dataset';
import { evaluateModel } from '../src/evaluate/evaluate';
import { readIdxDataset } from '../src/data/idx-dataset';
import { inferPreprocessing } from '../src/evaluate/preprocessing';
import { modelSignature } from '../src/evaluate/run-model';
import { quantile } from '../src/benchmark/stats';

const DATA = '/usr/share/datasets/fashion-mnist';
const SAMPLE = path.resolve('public/samples/fashion-mlp');

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

async function setBackend(name: string): Promise<void> {
  if (name === 'wasm') setWasmPaths(path.resolve('node_modules/@tensorflow/tfjs-backend-wasm/dist') + '/');
  if (!(await tf.setBackend(name))) throw new Error(`The ${name} backend did not start.`);
  await tf.ready();
}

async function loadModel(): Promise<{ model: tf.LayersModel; what: string }> {
  if (existsSync(path.join(SAMPLE, 'model.json'))) {
    const json = JSON.parse(readFileSync(path.join(SAMPLE, 'model.json'), 'utf8'));
    const manifest = json.weightsManifest as tf.io.WeightsManifestConfig;
    const shards = manifest.flatMap((g) => g.paths.map((p) => new Uint8Array(readFileSync(path.join(SAMPLE, p)))));
    const weightData = new Uint8Array(shards.reduce((a, s) => a + s.length, 0));
    shards.reduce((o, s) => (weightData.set(s, o), o + s.length), 0);
    const model = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: json.modelTopology,
        weightSpecs: manifest.flatMap((g) => g.weights),
        weightData: weightData.buffer,
        userDefinedMetadata: json.userDefinedMetadata,
      }),
    );
    return { model, what: 'public/samples/fashion-mlp (the shipped sample)' };
  }
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ units: 300, inputShape: [784], activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
      tf.layers.dense({ units: 100, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
      tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }),
    ],
  });
  return { model, what: 'a 784-300-100-10 MLP built here (no sample in public/samples yet)' };
}

function loadAverage(): string {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    return 'unknown';
  }
}

async function main() {
  const backend = arg('backend', 'cpu');
  const batchSize = Number(arg('batch', '64'));
  const samples = Number(arg('samples', '10000'));
  const rounds = Number(arg('rounds', '5'));
  tf.env().set('PROD', true);
  await setBackend(backend);
  const { model, what } = await loadModel();
  const sig = modelSignature(model);
  const metadata = (model as tf.LayersModel & { getUserDefinedMetadata(): unknown }).getUserDefinedMetadata?.();
  const target: DataTarget = {
    inputShape: sig.inputShape,
    preprocessing: inferPreprocessing(sig.inputShape, metadata),
  };
  const file = (n: string) => ({ name: n, data: new Uint8Array(readFileSync(path.join(DATA, n))) });
  const full = readIdxDataset(file('t10k-images-idx3-ubyte.gz'), file('t10k-labels-idx1-ubyte.gz'), target);
  const n = Math.min(samples, full.size);
  const per = full.sampleShape.reduce((a, b) => a * b, 1);
  const inputs = full.inputs!.subarray(0, n * per);
  const data = { ...full, size: n };

  console.log(`model: ${what}; input ${JSON.stringify(sig.inputShape)}`);
  console.log(`backend: ${tf.getBackend()}; data: first ${n.toLocaleString('en-US')} of Debian's t10k; batch ${batchSize}; ${rounds} rounds`);

  /** The reference: what a user would write without Pare. */
  async function bareLoop(): Promise<number> {
    let correct = 0;
    for (let s = 0; s < n; s += batchSize) {
      const e = Math.min(s + batchSize, n);
      const x = tf.tensor(inputs.subarray(s * per, e * per), [e - s, ...full.sampleShape]);
      const y = model.predict(x) as tf.Tensor;
      const values = await y.data();
      x.dispose();
      y.dispose();
      // The least a loop does with outputs: count top-1 hits (so the comparison is not against doing nothing).
      for (let i = 0; i < e - s; i++) {
        let best = 0;
        for (let j = 1; j < 10; j++) if (values[i * 10 + j] > values[i * 10 + best]) best = j;
        if (best === full.labels![s + i]) correct++;
      }
    }
    return correct / n;
  }

  const bare: number[] = [];
  const ours: number[] = [];
  // CPU time of this process too: other processes on a shared machine stretch wall-clock rounds, not CPU time
  // (Node's wasm backend runs single-threaded here, so CPU time is the work done).
  const bareCpu: number[] = [];
  const oursCpu: number[] = [];
  const cpuSeconds = (from: NodeJS.CpuUsage) => {
    const u = process.cpuUsage(from);
    return (u.user + u.system) / 1e6;
  };
  let bareAcc = 0;
  let ourAcc = 0;
  // One untimed pass of each first: kernel set-up and JIT warm-up should not count against either.
  await bareLoop();
  await evaluateModel(model, data, { batchSize });
  for (let r = 0; r < rounds; r++) {
    let t = performance.now();
    let c = process.cpuUsage();
    bareAcc = await bareLoop();
    bare.push(n / ((performance.now() - t) / 1000));
    bareCpu.push(n / cpuSeconds(c));
    t = performance.now();
    c = process.cpuUsage();
    const result = await evaluateModel(model, data, { batchSize });
    ours.push(n / ((performance.now() - t) / 1000));
    oursCpu.push(n / cpuSeconds(c));
    ourAcc = result.accuracy!.accuracy;
  }
  const b = quantile(bare, 0.5);
  const o = quantile(ours, 0.5);
  const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
  console.log(`bare predict loop: ${fmt(b)} samples/s (rounds: ${bare.map(fmt).join(', ')}), accuracy ${bareAcc.toFixed(4)}`);
  console.log(`evaluateModel:     ${fmt(o)} samples/s (rounds: ${ours.map(fmt).join(', ')}), accuracy ${ourAcc.toFixed(4)}`);
  console.log(`ratio evaluateModel / bare: ${(o / b).toFixed(3)} (target >= 0.90)${o / b >= 0.9 ? '' : '  BELOW TARGET'}`);
  const bc = quantile(bareCpu, 0.5);
  const oc = quantile(oursCpu, 0.5);
  console.log(`per CPU second: bare ${fmt(bc)}, evaluateModel ${fmt(oc)} samples; ratio ${(oc / bc).toFixed(3)}`);
  // On a busy machine rounds vary a lot; the best round of each is the least disturbed measurement.
  console.log(`ratio of best rounds: ${(Math.max(...ours) / Math.max(...bare)).toFixed(3)}; load average ${loadAverage()}`);
  if (bareAcc !== ourAcc) console.log(`note: accuracies differ (${bareAcc} vs ${ourAcc})`);
  model.dispose();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
