/**
 * The sweep behind prune-channels' default ridge (src/structure/least-squares.ts DEFAULT_RIDGE): the sample CNN with
 * 50% of every group's channels removed and refitted on the first N training images, for each ridge, ranked by
 * accuracy on the last 10,000 training images (never the test set, which bench:channels reports on).
 *
 *   npx tsx scripts/sweep-ridge.ts [--samples 64,256,512] [--ridges 0.001,0.003,0.01,0.03,0.1,0.3]
 */
import { readFileSync } from 'node:fs';
import { useBackend } from '../src/cli/backend';
import { readInput } from '../src/cli/read-input';
import { readIdxDataset } from '../src/data/idx-dataset';
import { inMemoryDataset } from '../src/evaluate/dataset';
import { evaluateModel } from '../src/evaluate/evaluate';
import { dataTargetFor } from '../src/evaluate/target';
import { openModel } from '../src/formats';
import { loadTfModel } from '../src/model/load-tf';
import type { InputFile } from '../src/model/types';
import { applyRecipe } from '../src/recipe/apply';
import { variantArtifacts } from '../src/recipe/artifacts';
import { parseRecipe } from '../src/recipe/schema';

const FASHION = '/usr/share/datasets/fashion-mnist';
const file = (path: string): InputFile => ({ name: path.split('/').pop()!, data: new Uint8Array(readFileSync(path)) });
const list = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return (i >= 0 ? process.argv[i + 1]! : fallback).split(',').map(Number);
};

await useBackend('wasm');
const cnn = await openModel(await readInput('public/samples/fashion-cnn'));
const train = readIdxDataset(file(`${FASHION}/train-images-idx3-ubyte.gz`), file(`${FASHION}/train-labels-idx1-ubyte.gz`), dataTargetFor(cnn));
const per = train.sampleShape.reduce((a, b) => a * b, 1);
const validation = inMemoryDataset({ ...train, inputs: train.inputs!.subarray(50000 * per), labels: train.labels!.subarray(50000) });
const half = { step: 'prune-channels', ratio: 0, perGroup: [{ match: '*', ratio: 0.5 }], compensate: true, data: 'calibration' };

console.log('samples | ridge | accuracy on training images 50,001-60,000');
for (const samples of list('samples', '64,256,512')) {
  for (const ridge of list('ridges', '0.001,0.003,0.01,0.03,0.1,0.3')) {
    const recipe = parseRecipe({ pare: 'recipe', version: 2, steps: [{ ...half, samples, ridge }] });
    const v = await applyRecipe(cnn, recipe, { data: { calibration: { fingerprint: 'train', dataset: train } } });
    const model = await loadTfModel(variantArtifacts(cnn, v), 'layers-model');
    const accuracy = (await evaluateModel(model, validation)).accuracy!.accuracy;
    model.dispose();
    console.log(`${samples} | ${ridge} | ${(100 * accuracy).toFixed(2)}%`);
  }
}
