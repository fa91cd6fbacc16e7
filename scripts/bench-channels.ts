/**
 * Channel removal benchmark (`npm run bench:channels`): multiply-adds and measured wasm latency (batch 1, median,
 * src/benchmark/latency.ts) of each original and its channel-pruned variant, side by side in one process:
 * - the sample CNN with 50% of the channels of every group removed (L1), with and without least-squares
 *   compensation calibrated on 256 or 512 training images (plain and with the default ridge), fused, and
 *   fine-tuned with distillation then fused (`BENCH_FINETUNE_EPOCHS`, default 2), and each one's accuracy on the
 *   10,000 Fashion-MNIST test images;
 * - the nsfwjs MobileNetV2 with 50% of its expansion channels removed.
 * `channelBenchRows()` is exported for a combined latency table (scripts/bench-latency.ts may import it).
 */
import { readFileSync } from 'node:fs';
import { useBackend } from '../src/cli/backend';
import { readInput } from '../src/cli/read-input';
import { benchmarkLatency } from '../src/benchmark/latency';
import { readIdxDataset } from '../src/data/idx-dataset';
import { evaluateModel } from '../src/evaluate/evaluate';
import { dataTargetFor } from '../src/evaluate/target';
import { openModel } from '../src/formats';
import { loadTfModel } from '../src/model/load-tf';
import type { InputFile, OpenedModel } from '../src/model/types';
import { applyRecipe } from '../src/recipe/apply';
import { variantArtifacts } from '../src/recipe/artifacts';
import { parseRecipe, type Recipe } from '../src/recipe/schema';
import type { Variant } from '../src/recipe/variant';
import { channelGroups } from '../src/structure/groups';

export interface ChannelBenchRow {
  model: string;
  variant: string;
  macs: number;
  medianMs: number;
  /** Original median / this median, measured in the same run. */
  speedup: number;
  /** Top-1 on the 10k Fashion-MNIST test set, for the sample CNN. */
  accuracy?: number;
}

const FASHION = '/usr/share/datasets/fashion-mnist';
const file = (path: string): InputFile => ({ name: path.split('/').pop()!, data: new Uint8Array(readFileSync(path)) });

function macsOf(model: OpenedModel, variant: Variant | null): number {
  const weights = variant ? variant.weights.map((w, i) => ({ name: w.name, shape: w.shape, owner: model.weights[i]!.owner })) : model.weights;
  return channelGroups({ format: model.format, modelTopology: variant ? variant.modelTopology : model.artifacts.modelTopology, weights }).totalMacs;
}

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
/** Recovery fine-tuning of the 50% CNN over the 60,000 training images (0: skip; a few minutes an epoch on wasm). */
const FINETUNE_EPOCHS = Number(process.env.BENCH_FINETUNE_EPOCHS ?? 2);

/**
 * Median latency of each candidate, measured in alternating rounds (A B C, A B C, ...) so that load from other
 * processes on a shared machine falls on all of them alike; each candidate's figure is its lowest round median.
 */
async function latencies(model: OpenedModel, candidates: readonly (Variant | null)[]): Promise<number[]> {
  const best = candidates.map(() => Infinity);
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < candidates.length; i++) {
      const v = candidates[i]!;
      const artifacts = v ? variantArtifacts(model, v) : model.artifacts;
      const r = await benchmarkLatency(() => loadTfModel(artifacts, v?.format ?? model.format), { batch: 1, warmup: 5, minRuns: 20, maxRuns: 200, budgetMs: 2000 });
      best[i] = Math.min(best[i]!, r.medianMs);
    }
  }
  return best;
}

async function accuracy(model: OpenedModel, variant: Variant | null): Promise<number> {
  const test = readIdxDataset(file(`${FASHION}/t10k-images-idx3-ubyte.gz`), file(`${FASHION}/t10k-labels-idx1-ubyte.gz`), dataTargetFor(model));
  const tfModel = await loadTfModel(variant ? variantArtifacts(model, variant) : model.artifacts, variant?.format ?? model.format);
  try {
    return (await evaluateModel(tfModel, test)).accuracy!.accuracy;
  } finally {
    tfModel.dispose();
  }
}

const recipe = (step: object): Recipe => parseRecipe({ pare: 'recipe', version: 2, steps: [{ step: 'prune-channels', ...step }] });

export async function channelBenchRows(): Promise<ChannelBenchRow[]> {
  await useBackend('wasm');
  const rows: ChannelBenchRow[] = [];
  const cnn = await openModel(await readInput('public/samples/fashion-cnn'));
  const train = readIdxDataset(file(`${FASHION}/train-images-idx3-ubyte.gz`), file(`${FASHION}/train-labels-idx1-ubyte.gz`), dataTargetFor(cnn));
  const half = { ratio: 0, perGroup: [{ match: '*', ratio: 0.5 }] };
  const data = { data: { calibration: { fingerprint: 'train', dataset: train }, training: { fingerprint: 'train', dataset: train } } };
  const refitOf = (samples: number, ridge?: number) => recipe({ ...half, compensate: true, data: 'calibration', samples, ...(ridge === undefined ? {} : { ridge }) });
  const plain = await applyRecipe(cnn, recipe(half));
  const cnnVariants: [string, Variant | null][] = [
    ['original', null],
    ['50% channels', plain],
    ['50% channels + plain least squares (256 images, ridge 0)', await applyRecipe(cnn, refitOf(256, 0), data)],
    ['50% channels + least squares (256 images, default ridge)', await applyRecipe(cnn, refitOf(256), data)],
    ['50% channels + least squares (512 images, default ridge)', await applyRecipe(cnn, refitOf(512), data)],
  ];
  const refit512 = { step: 'prune-channels', ...half, compensate: true, data: 'calibration', samples: 512 };
  cnnVariants.push(['50% channels + least squares (512) + fuse (graph model)', await applyRecipe(cnn, parseRecipe({ pare: 'recipe', version: 2, steps: [refit512, { step: 'fuse' }] }), data)]);
  if (FINETUNE_EPOCHS > 0) {
    // Recovery: the refitted model fine-tuned on the training set (10% held out for the checkpoint) with
    // distillation from the original, then fused: the CNN target in one variant. Its time on this
    // machine goes beside the row's name.
    const started = performance.now();
    const tuned = await applyRecipe(
      cnn,
      parseRecipe({
        pare: 'recipe',
        version: 2,
        steps: [
          refit512,
          { step: 'finetune', data: 'training', epochs: FINETUNE_EPOCHS, batch: 64, learningRate: 0.001, seed: 1, distill: { temperature: 4, alpha: 0.5 } },
          { step: 'fuse' },
        ],
      }),
      data,
    );
    const minutes = (performance.now() - started) / 60000;
    cnnVariants.push([`50% channels + least squares + finetune ${FINETUNE_EPOCHS} epoch${FINETUNE_EPOCHS === 1 ? '' : 's'} + fuse (${minutes.toFixed(1)} min)`, tuned]);
  }
  const cnnMs = await latencies(cnn, cnnVariants.map(([, v]) => v));
  for (const [i, [name, v]] of cnnVariants.entries()) {
    // A fused graph has the same convolutions as the layers variant it came from: count the MACs of the plain
    // 50% variant (same shapes) rather than walk the graph, whose weights no longer line up with the source's.
    rows.push({ model: 'fashion-cnn', variant: name, macs: macsOf(cnn, v?.format === 'graph-model' ? plain : v), medianMs: cnnMs[i]!, speedup: cnnMs[0]! / cnnMs[i]!, accuracy: await accuracy(cnn, v) });
  }
  if (process.env.BENCH_MOBILENET === '0') return rows;
  const mobilenet = await openModel(await readInput('.fixtures/real/nsfwjs-mobilenet-v2'));
  const expansions = await applyRecipe(mobilenet, recipe({ ratio: 0, perGroup: [{ match: 'block_*_expand', ratio: 0.5 }] }));
  const [mBase, mHalf] = await latencies(mobilenet, [null, expansions]);
  rows.push({ model: 'nsfwjs-mobilenet-v2', variant: 'original', macs: macsOf(mobilenet, null), medianMs: mBase!, speedup: 1 });
  rows.push({ model: 'nsfwjs-mobilenet-v2', variant: '50% expansion channels', macs: macsOf(mobilenet, expansions), medianMs: mHalf!, speedup: mBase! / mHalf! });
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = await channelBenchRows();
  console.log(`wasm (Node: SIMD, 1 thread), batch 1, lowest of ${ROUNDS} alternating round medians; speed-up against the original in this run\n`);
  console.log(['model', 'variant', 'MACs', 'median ms', 'speed-up', 'accuracy (10k test)'].join(' | '));
  for (const r of rows) {
    console.log([r.model, r.variant, r.macs.toLocaleString('en-US'), r.medianMs.toFixed(2), `${r.speedup.toFixed(2)}x`, r.accuracy === undefined ? '-' : `${(100 * r.accuracy).toFixed(2)}%`].join(' | '));
  }
}
