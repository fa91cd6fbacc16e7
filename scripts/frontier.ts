/**
 * The compression frontier of the shipped samples: accuracy on all 10,000 held-out Fashion-MNIST test images
 * against bytes over the wire (weights gzip, level 9, as the export writes them), for each pruning method at the
 * same sparsity and storage, so every row of a block costs the same bytes within gzip's noise.
 *
 *   npm run frontier [-- --backend wasm|cpu] [--samples 512] [--models mlp,cnn] [--parts methods,search]
 *                        [--drops 0.3,0.5,1] [--refine 16] [--validation 2000] [--validate-on test|train]
 *                        [--json docs/frontier.json]
 *
 * `--json` also writes the methods rows (each model's original among them) and the search's answers as JSON, which
 * `npm run frontier:chart` draws as docs/frontier.svg, the README's picture.
 *
 * Calibration samples come from the start of Debian's training set; nothing measured here was calibrated on.
 * The reference in each block is magnitude pruning with nearest rounding (global threshold: what `pare optimize
 * --sparsity` does); "each" is magnitude at the same sparsity in every layer; wanda and obs use calibration data,
 * "obs global" with each layer's share of the global magnitude threshold; "obs + gptq" adds error-compensating
 * rounding on the same per-tensor grid.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { readInput } from '../src/cli/read-input';
import { useBackend, parseBackend } from '../src/cli/backend';
import type { Dataset } from '../src/evaluate/dataset';
import { evaluateModel } from '../src/evaluate/evaluate';
import { readIdxDataset } from '../src/data/idx-dataset';
import { dataTargetFor } from '../src/evaluate/target';
import { exportVariant } from '../src/export';
import { openModel } from '../src/formats';
import { loadTfModel } from '../src/model/load-tf';
import type { InputFile, OpenedModel } from '../src/model/types';
import { applyRecipe } from '../src/recipe/apply';
import { variantArtifacts } from '../src/recipe/artifacts';
import { parseRecipe, type StepInput } from '../src/recipe/schema';
import { searchFrontier, type SearchAnswer } from './frontier-search';

const DATA = '/usr/share/datasets/fashion-mnist';
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};
const file = (path: string): InputFile => ({ name: path.split('/').pop()!, data: new Uint8Array(readFileSync(path)) });

async function accuracy(model: OpenedModel, recipe: ReturnType<typeof parseRecipe>, train: Dataset, test: Dataset) {
  const started = performance.now();
  const variant = await applyRecipe(model, recipe, { data: { calibration: { fingerprint: 'train', dataset: train } } });
  const applyMs = performance.now() - started;
  const { sizes } = exportVariant(model, variant, recipe);
  const tfModel = await loadTfModel(variantArtifacts(model, variant), model.format);
  const acc = (await evaluateModel(tfModel, test)).accuracy!.accuracy;
  tfModel.dispose();
  return { acc, gzip: sizes.weightGzipBytes, applyMs };
}

const { backend } = await useBackend(parseBackend(arg('backend', 'wasm')));
const samples = Number(arg('samples', '512'));
const models = arg('models', 'mlp,cnn').split(',');
const parts = arg('parts', 'methods,search').split(',');
const drops = arg('drops', '0.3,0.5,1').split(',').map(Number);
const sparsities = [0.5, 0.7, 0.8, 0.9];
const jsonPath = process.argv.includes('--json') ? arg('json', '') : null;
/** What `--json` writes: one row per measured variant, the originals with method 'original'. */
const measured: { model: string; sparsity: number; storage: string; method: string; accuracy: number; weightGzipBytes: number }[] = [];
const searched: ({ model: string } & SearchAnswer)[] = [];
/** Writes what is measured so far (after each model, so a long run stopped midway keeps its finished models). */
function writeJson(): void {
  if (!jsonPath) return;
  const search = searched.length ? { search: searched } : {};
  writeFileSync(jsonPath, JSON.stringify({ backend, samples, measuredOn: '10,000 Fashion-MNIST test images', rows: measured, ...search }, null, 1) + '\n');
  console.log(`wrote ${jsonPath}`);
}
const storages: { name: string; step: StepInput }[] = [
  { name: 'uint8', step: { step: 'quantize', default: 'uint8' } },
  { name: '4-bit', step: { step: 'quantize', default: { bits: 4 } } },
];
console.log(`backend ${backend}; calibration: first ${samples} training images; accuracy on the 10,000 test images\n`);
for (const id of models) {
  const model = await openModel(await readInput(`public/samples/fashion-${id}`));
  const target = dataTargetFor(model);
  const train = readIdxDataset(file(`${DATA}/train-images-idx3-ubyte.gz`), file(`${DATA}/train-labels-idx1-ubyte.gz`), target);
  const test = readIdxDataset(file(`${DATA}/t10k-images-idx3-ubyte.gz`), file(`${DATA}/t10k-labels-idx1-ubyte.gz`), target);
  const original = await accuracy(model, parseRecipe({ pare: 'recipe', version: 2, steps: [] }), train, test);
  console.log(`fashion-${id}: original ${(original.acc * 100).toFixed(2)}%, weights gzip ${original.gzip.toLocaleString('en-US')} B`);
  measured.push({ model: id, sparsity: 0, storage: 'float32', method: 'original', accuracy: original.acc, weightGzipBytes: original.gzip });
  if (parts.includes('search')) {
    const started = performance.now();
    const answers = await searchFrontier(model, train, test, drops, { samples, refine: Number(arg('refine', '16')), validation: Number(arg('validation', '2000')), validateOn: arg('validate-on', 'test') === 'train' ? 'train' : 'test' });
    console.log(`search part: ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
    searched.push(...answers.map((a) => ({ model: id, ...a })));
    writeJson();
  }
  if (!parts.includes('methods')) continue;
  console.log('sparsity  stored  method      accuracy   vs global  weights gzip  apply ms');
  for (const storage of storages) {
    for (const s of sparsities) {
      const methods: [string, StepInput][] = [
        ['global', { step: 'prune', sparsity: s }],
        ['each', { step: 'prune', default: s }],
        ['wanda', { step: 'prune', default: s, method: 'wanda', data: 'calibration', samples }],
        ['obs each', { step: 'prune', default: s, method: 'obs', data: 'calibration', samples }],
        ['obs global', { step: 'prune', sparsity: s, method: 'obs', data: 'calibration', samples }],
      ];
      const gptq = { ...storage.step, method: 'gptq', data: 'calibration', samples } as StepInput;
      const rows: [string, StepInput[]][] = [
        ...methods.map(([name, prune]): [string, StepInput[]] => [name, [prune, storage.step]]),
        ['obs + gptq', [methods[4]![1], gptq]],
      ];
      let reference = 0;
      for (const [name, steps] of rows) {
        const r = await accuracy(model, parseRecipe({ pare: 'recipe', version: 2, steps }), train, test);
        if (name === 'global') reference = r.acc;
        measured.push({ model: id, sparsity: s, storage: storage.name, method: name, accuracy: r.acc, weightGzipBytes: r.gzip });
        const delta = name === 'global' ? '' : `${r.acc >= reference ? '+' : ''}${((r.acc - reference) * 100).toFixed(2)}`;
        console.log(
          `${`${s * 100}%`.padEnd(10)}${storage.name.padEnd(8)}${name.padEnd(12)}${`${(r.acc * 100).toFixed(2)}%`.padStart(8)}   ${delta.padStart(9)}  ${r.gzip.toLocaleString('en-US').padStart(12)}  ${r.applyMs.toFixed(0).padStart(8)}`,
        );
      }
    }
  }
  console.log('');
  writeJson();
}
