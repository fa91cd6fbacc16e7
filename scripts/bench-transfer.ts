/**
 * Transfer learning with the `retarget` step, measured against a head trained on raw pixels, in one run:
 *
 *   npm run bench:transfer [-- --per-class 100 --test 10000 --mobilenet-test 1000 --epochs 50 --unfreeze-epochs 10 --no-mobilenet]
 *
 * Training data: the first `--per-class` images of each of the 10 Fashion-MNIST classes from Debian's training
 * set, written as image folders (PNG, one folder per class) the way a person would give Pare their classes; 20%
 * of each class is held apart for validation. Test data: the Fashion-MNIST test set as image folders (the first
 * `--test` images, the same number from each class). Every row trains the same head (a softmax, Adam, batch 32,
 * the same seed) on the same 1,000 images, through `applyRecipe`, and is measured on its export as a user loads
 * it (reopened by Pare, labels matched by name, stock TF.js).
 *
 * Rows: the reference (a head on the raw 784 pixels: the sample MLP cut at its input Flatten); the sample CNN's
 * conv part as a frozen backbone (trained on Fashion-MNIST itself, so in-domain features); the same pruned and
 * quantized in one recipe (no retraining after pruning); the nsfwjs MobileNetV2 (a published model trained on
 * other photos, 224x224 RGB, the 28x28 gray images resized to it), measured on `--mobilenet-test` test images
 * because its features cost about 0.3-0.8 s an image on this shared machine; and the MobileNetV2 export reopened
 * and pruned + quantized by the pipeline. The "unfreeze" rows then train the top backbone layers with the head
 * (`--unfreeze-epochs`, learning rate 1e-4), kept only when the held-apart images score better.
 */
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../src/cli/backend';
import { readInput } from '../src/cli/read-input';
import { nodeImageDecoder } from '../src/data/node-decoder';
import { openDataset } from '../src/data/open-dataset';
import { evaluateModel } from '../src/evaluate/evaluate';
import { dataTargetFor } from '../src/evaluate/target';
import { exportVariant, gzipBytes, type ExportFile } from '../src/export/index';
import { exportArtifacts } from '../src/export/load-export';
import { openModel } from '../src/formats/index';
import type { InputFile, OpenedModel } from '../src/model/types';
import { applyRecipe } from '../src/recipe/apply';
import { parseRecipe, type StepInput } from '../src/recipe/schema';
import { newClassesTarget } from '../src/train/retarget/data-target';
import { fashionFolders } from '../src/train/retarget/testing/fashion-folders';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const PER_CLASS = arg('per-class', 100);
const TEST = arg('test', 10_000);
const MOBILENET_TEST = arg('mobilenet-test', 1000);
const EPOCHS = arg('epochs', 50);
const UNFREEZE_EPOCHS = arg('unfreeze-epochs', 10);
const CLASSES = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

interface Row {
  name: string;
  features: string;
  testImages: number;
  accuracy: number;
  validation: number | null;
  bytes: number;
  gzip: number;
  seconds: number;
}

const open = async (dir: string) => openModel(await readInput(dir));
const retargetStep = (cut?: string, unfreeze?: number): StepInput => ({
  step: 'retarget', data: 'training', epochs: EPOCHS, batch: 32, learningRate: 0.001, seed: 1,
  ...(cut ? { cut } : {}),
  ...(unfreeze ? { unfreeze: { layers: unfreeze, epochs: UNFREEZE_EPOCHS, learningRate: 0.0001 } } : {}),
});

async function accuracyOf(files: ExportFile[], test: InputFile[]): Promise<number> {
  const reopened = await openModel(files);
  const data = openDataset(test, dataTargetFor(reopened), { decoder: nodeImageDecoder });
  const model = await tf.loadLayersModel(tf.io.fromMemory(exportArtifacts(files)));
  try {
    const r = await evaluateModel(model, data, { batchSize: 32 });
    if (r.samples !== test.length) throw new Error(`measured ${r.samples} of ${test.length} test images`);
    return r.accuracy!.accuracy;
  } finally {
    model.dispose();
  }
}

/** Applies `steps` to `model` with the training folders, exports, and measures the export on `test`. */
async function row(name: string, model: OpenedModel, steps: StepInput[], train: InputFile[], test: InputFile[]): Promise<{ row: Row; files: ExportFile[] }> {
  const t0 = performance.now();
  const recipe = parseRecipe({ pare: 'recipe', version: 2, steps });
  const data = { training: { fingerprint: 'fashion-folders', dataset: openDataset(train, newClassesTarget(model), { decoder: nodeImageDecoder }) } };
  const variant = await applyRecipe(model, recipe, { data: steps.some((s) => s.step === 'retarget') ? data : {} });
  const files = exportVariant(model, variant, recipe).files;
  const accuracy = await accuracyOf(files, test);
  const r = variant.retarget ?? (model.artifacts.userDefinedMetadata as { pare?: { retarget?: { cut: { layer: string; shape: number[] }; validation: { accuracy: number } | null } } } | undefined)?.pare?.retarget;
  const shards = files.filter((f) => f.name.endsWith('.bin'));
  const out: Row = {
    name,
    features: r ? `${r.cut.layer} ${r.cut.shape.slice(1).join('x')}` : '-',
    testImages: test.length,
    accuracy,
    validation: (variant.retarget?.unfrozen?.kept ? variant.retarget.unfrozen.after : null) ?? r?.validation?.accuracy ?? null,
    bytes: shards.reduce((n, f) => n + f.data.byteLength, 0),
    gzip: shards.reduce((n, f) => n + gzipBytes(f.data), 0),
    seconds: (performance.now() - t0) / 1000,
  };
  console.log(`  ${name}: ${(100 * accuracy).toFixed(2)}% on ${test.length} test images (${out.seconds.toFixed(0)} s)`);
  return { row: out, files };
}

function table(rows: Row[], reference: Map<number, number>): string {
  // "val acc" is on the held-apart training images, before any later step of the row: the head's, or after
  // unfreezing when that was kept.
  const head = ['model', 'features', 'test images', 'test acc', 'vs raw pixels', 'val acc', 'weights', 'gzip', 'time'];
  const body = rows.map((r) => {
    const ref = reference.get(r.testImages);
    return [
      r.name, r.features, r.testImages.toLocaleString('en-US'), `${(100 * r.accuracy).toFixed(2)}%`,
      ref === undefined ? '-' : `${(100 * (r.accuracy - ref)) >= 0 ? '+' : ''}${(100 * (r.accuracy - ref)).toFixed(2)} pt`,
      r.validation === null ? '-' : `${(100 * r.validation).toFixed(1)}%`,
      r.bytes.toLocaleString('en-US'), r.gzip.toLocaleString('en-US'), `${r.seconds.toFixed(0)} s`,
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  return [head, ...body].map((cells) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')).join('\n');
}

async function main(): Promise<void> {
  const started = performance.now();
  const { backend, wasm } = await useBackend('wasm');
  console.log(`backend: ${backend} (simd ${wasm.simd}, threads ${wasm.threads}), tfjs ${tf.version.tfjs}`);
  const train = fashionFolders('train', CLASSES, PER_CLASS);
  const test = fashionFolders('t10k', CLASSES, TEST / CLASSES.length);
  const testSmall = fashionFolders('t10k', CLASSES, MOBILENET_TEST / CLASSES.length);
  console.log(`training: ${train.length} images (${PER_CLASS} per class, 20% held apart for validation); test: ${test.length}; MobileNetV2 test: ${testSmall.length}`);

  const [mlp, cnn] = [await open('public/samples/fashion-mlp'), await open('public/samples/fashion-cnn')];
  const rows: Row[] = [];
  const reference = new Map<number, number>();
  const raw = await row('raw pixels (reference)', mlp, [retargetStep('flatten')], train, test);
  rows.push(raw.row);
  reference.set(test.length, raw.row.accuracy);
  rows.push((await row('sample CNN conv part', cnn, [retargetStep()], train, test)).row);
  rows.push((await row('  + unfreeze conv2', cnn, [retargetStep(undefined, 1)], train, test)).row);
  rows.push((await row('  + unfreeze conv1, conv2', cnn, [retargetStep(undefined, 2)], train, test)).row);
  rows.push((await row('  + prune 30% + uint8', cnn, [retargetStep(), { step: 'prune', sparsity: 0.3 }, { step: 'quantize', default: 'uint8' }], train, test)).row);
  rows.push((await row('  + prune 50% + 4-bit', cnn, [retargetStep(), { step: 'prune', sparsity: 0.5 }, { step: 'quantize', default: { bits: 4 } }], train, test)).row);

  if (!process.argv.includes('--no-mobilenet')) {
    if (testSmall.length !== test.length) {
      const rawSmall = await accuracyOf(raw.files, testSmall);
      reference.set(testSmall.length, rawSmall);
      rows.push({ ...raw.row, name: 'raw pixels (reference)', testImages: testSmall.length, accuracy: rawSmall, seconds: 0 });
      console.log(`  raw pixels on the ${testSmall.length} MobileNetV2 test images: ${(100 * rawSmall).toFixed(2)}%`);
    }
    const nsfw = await open('.fixtures/real/nsfwjs-mobilenet-v2');
    const mnv2 = await row('nsfwjs MobileNetV2', nsfw, [retargetStep()], train, testSmall);
    rows.push(mnv2.row);
    rows.push((await row('  + unfreeze Conv_1', nsfw, [retargetStep(undefined, 1)], train, testSmall)).row);
    const retargeted = await openModel(mnv2.files);
    rows.push((await row('  reopened + prune 30% + uint8', retargeted, [{ step: 'prune', sparsity: 0.3 }, { step: 'quantize', default: 'uint8' }], train, testSmall)).row);
  }
  console.log('\n' + table(rows, reference));
  console.log(`\ntotal ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
