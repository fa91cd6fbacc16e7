/**
 * The compression frontier of the shipped samples with recovery training: accuracy on all 10,000 held-out
 * Fashion-MNIST test images against bytes over the wire (weights gzip, as `npm run frontier` measures them), for
 * one-shot magnitude pruning (the reference, no training) and for gradual pruning while fine-tuning with
 * distillation from the original model, each then stored with 4-bit codes.
 *
 *   npx tsx scripts/frontier-recovery.ts [--models mlp,cnn] [--sparsities 0.9,0.95,0.98] [--epochs 2]
 *       [--train 60000] [--batch 64] [--bits 4 | --bits 4,3] [--backend wasm|cpu]
 *
 * With several --bits, each sparsity trains once: the fine-tuned model is exported, opened again like any model,
 * and stored at each bit width (its zeros stay exact); the time column is then the training's.
 *
 * Training reads the first --train images of Debian's training set (10% of them held out to pick the checkpoint);
 * nothing measured here was trained on. Each row prints its time on this machine.
 */
import { readFileSync } from 'node:fs';
import { parseBackend, useBackend } from '../src/cli/backend';
import { readInput } from '../src/cli/read-input';
import { readIdxDataset } from '../src/data/idx-dataset';
import { inMemoryDataset, type Dataset } from '../src/evaluate/dataset';
import { evaluateModel } from '../src/evaluate/evaluate';
import { dataTargetFor } from '../src/evaluate/target';
import { exportVariant } from '../src/export';
import { openModel } from '../src/formats';
import { loadTfModel } from '../src/model/load-tf';
import type { InputFile, OpenedModel } from '../src/model/types';
import { applyRecipe } from '../src/recipe/apply';
import { variantArtifacts } from '../src/recipe/artifacts';
import { parseRecipe, type StepInput } from '../src/recipe/schema';

const DATA = '/usr/share/datasets/fashion-mnist';
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};
const file = (path: string): InputFile => ({ name: path.split('/').pop()!, data: new Uint8Array(readFileSync(path)) });

async function measure(model: OpenedModel, steps: StepInput[], train: Dataset, test: Dataset) {
  const started = performance.now();
  const recipe = parseRecipe({ pare: 'recipe', version: 2, steps });
  const variant = await applyRecipe(model, recipe, { data: { training: { fingerprint: 'train', dataset: train } } });
  const seconds = (performance.now() - started) / 1000;
  const { sizes } = exportVariant(model, variant, recipe);
  const tfModel = await loadTfModel(variantArtifacts(model, variant), model.format);
  const acc = (await evaluateModel(tfModel, test)).accuracy!.accuracy;
  tfModel.dispose();
  return { acc, gzip: sizes.weightGzipBytes, seconds, sparsity: variant.stats.sparsity };
}

const { backend } = await useBackend(parseBackend(arg('backend', 'wasm')));
const models = arg('models', 'mlp,cnn').split(',');
const sparsities = arg('sparsities', '0.9,0.95,0.98').split(',').map(Number);
const epochs = Number(arg('epochs', '2'));
const trainCount = Number(arg('train', '60000'));
const batch = Number(arg('batch', '64'));
const bitList = arg('bits', '4').split(',').map(Number);
const storeAt = (bits: number): StepInput => ({ step: 'quantize', default: { bits } });
console.log(`backend ${backend}; training: first ${trainCount.toLocaleString('en-US')} training images, ${epochs} epochs, batch ${batch}; accuracy on the 10,000 test images; ${bitList.join(' and ')}-bit storage\n`);

/** The variant of `steps` as a model of its own (exported and opened again), to store it several ways. */
async function asModel(model: OpenedModel, steps: StepInput[], train: Dataset) {
  const started = performance.now();
  const recipe = parseRecipe({ pare: 'recipe', version: 2, steps: [...steps, { step: 'quantize', default: 'none' }] });
  const variant = await applyRecipe(model, recipe, { data: { training: { fingerprint: 'train', dataset: train } } });
  const files = exportVariant(model, variant, recipe).files;
  const opened = await openModel(files.map((f) => ({ name: f.name, data: f.data })));
  return { model: opened, seconds: (performance.now() - started) / 1000 };
}
for (const id of models) {
  const model = await openModel(await readInput(`public/samples/fashion-${id}`));
  const target = dataTargetFor(model);
  const full = readIdxDataset(file(`${DATA}/train-images-idx3-ubyte.gz`), file(`${DATA}/train-labels-idx1-ubyte.gz`), target);
  const per = full.sampleShape.reduce((a, b) => a * b, 1);
  const train = inMemoryDataset({ ...full, inputs: full.inputs!.subarray(0, trainCount * per), labels: full.labels!.subarray(0, trainCount) });
  const test = readIdxDataset(file(`${DATA}/t10k-images-idx3-ubyte.gz`), file(`${DATA}/t10k-labels-idx1-ubyte.gz`), target);
  const original = await measure(model, [], train, test);
  console.log(`fashion-${id}: original ${(original.acc * 100).toFixed(2)}%, weights gzip ${original.gzip.toLocaleString('en-US')} B`);
  console.log('sparsity  method                       accuracy  vs original  weights gzip   smaller   seconds');
  const row = (s: number, name: string, r: Awaited<ReturnType<typeof measure>>) =>
    console.log(
      `${`${(s * 100).toFixed(0)}%`.padEnd(10)}${name.padEnd(28)}${`${(r.acc * 100).toFixed(2)}%`.padStart(9)}  ${`${r.acc >= original.acc ? '+' : ''}${((r.acc - original.acc) * 100).toFixed(2)}`.padStart(11)}  ${r.gzip.toLocaleString('en-US').padStart(12)}  ${`${(original.gzip / r.gzip).toFixed(1)}x`.padStart(8)}  ${r.seconds.toFixed(0).padStart(8)}`,
    );
  for (const s of sparsities) {
    for (const bits of bitList) row(s, `one-shot magnitude, ${bits}-bit`, await measure(model, [{ step: 'prune', sparsity: s }, storeAt(bits)], train, test));
    const finetune: StepInput = { step: 'finetune', data: 'training', epochs, batch, learningRate: 0.001, seed: 1, sparsity: { from: 0.5, to: s }, distill: { temperature: 4, alpha: 0.5 } };
    const name = (bits: number) => `gradual 50%->${(s * 100).toFixed(0)}% + distill, ${bits}-bit`;
    if (bitList.length === 1) {
      row(s, name(bitList[0]!), await measure(model, [finetune, storeAt(bitList[0]!)], train, test));
      continue;
    }
    const trained = await asModel(model, [finetune], train);
    for (const bits of bitList) row(s, name(bits), { ...(await measure(trained.model, [storeAt(bits)], train, test)), seconds: trained.seconds });
  }
  console.log('');
}
