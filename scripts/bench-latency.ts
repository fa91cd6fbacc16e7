/**
 * Latency benchmark (`npm run bench:latency`): median inference latency at batch 1 on the wasm backend of each
 * original model and of what a recipe made of it, measured side by side in the same process (original, variant,
 * original, variant, so a busy machine slows both alike), loaded the way users load them: the original with its
 * stock loader, the variant from its exported files with the stock loader of its format. Prints the medians, the
 * speed-up ratio, and the cosine of the two models' outputs on real inputs (photographs for MobileNetV2,
 * Fashion-MNIST test images for the sample CNN), with the targets.
 *
 * Rows are a list (`latencyRows`) so other steps' variants (channel removal + fusion) are added as rows, not as
 * another script. Speed is printed here, never asserted in tests.
 */
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { benchmarkLatency, type LatencyResult } from '../src/benchmark/latency';
import { openSample, testSubset } from '../src/calibrate/testing/fashion';
import { useBackend } from '../src/cli/backend';
import { exportVariant } from '../src/export/index';
import { exportArtifacts } from '../src/export/load-export';
import { cosine } from '../src/export/testing/roundtrip';
import { loadTfModel } from '../src/model/load-tf';
import type { OpenedModel } from '../src/model/types';
import { applyRecipe } from '../src/recipe/apply';
import { parseRecipe, type StepInput } from '../src/recipe/schema';
import { openMobileNet } from '../src/structure/testing/models';
import { photoBatch } from '../src/structure/testing/photos';

export interface LatencyRow {
  model: string;
  /** What the recipe does, for the table. */
  variant: string;
  open: () => Promise<OpenedModel>;
  steps: StepInput[];
  /** Real inputs the outputs are compared on (a batch). */
  inputs: (model: OpenedModel) => Promise<tf.Tensor>;
  /** The targets, printed beside the measurement. */
  target?: { speedup?: number; cosine?: number };
}

const photos = async () => photoBatch(8, 224);
const fashion = async (model: OpenedModel) => {
  const batch = await testSubset(model).batch(0, 200);
  return tf.tensor(batch.inputs, [batch.count, 28, 28, 1]);
};

export const latencyRows: LatencyRow[] = [
  { model: 'nsfwjs MobileNetV2', variant: 'fused graph', open: openMobileNet, steps: [{ step: 'fuse' }], inputs: photos, target: { speedup: 2, cosine: 0.9999 } },
  { model: 'sample CNN', variant: 'fused graph', open: () => openSample('fashion-cnn'), steps: [{ step: 'fuse' }], inputs: fashion, target: { cosine: 0.9999 } },
  // Outputs change when channels go, so these rows have a speed target only (accuracy: bench:channels).
  {
    model: 'nsfwjs MobileNetV2',
    variant: '50% expansion channels + fused graph',
    open: openMobileNet,
    steps: [{ step: 'prune-channels', ratio: 0, perGroup: [{ match: 'block_*_expand', ratio: 0.5 }] }, { step: 'fuse' }],
    inputs: photos,
    target: { speedup: 3 },
  },
  {
    model: 'sample CNN',
    variant: '50% channels + fused graph',
    open: () => openSample('fashion-cnn'),
    steps: [{ step: 'prune-channels', ratio: 0, perGroup: [{ match: '*', ratio: 0.5 }] }, { step: 'fuse' }],
    inputs: fashion,
    target: { speedup: 1.5 },
  },
];

/** `BENCH_ROWS=2,3` measures only those rows (0-based), for a quick rerun of one. */
const chosenRows = () => (process.env.BENCH_ROWS ? process.env.BENCH_ROWS.split(',').map((i) => latencyRows[Number(i)]!) : latencyRows);

export interface LatencyMeasurement {
  row: LatencyRow;
  original: LatencyResult[];
  variant: LatencyResult[];
  originalMedianMs: number;
  variantMedianMs: number;
  speedup: number;
  cosine: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

async function outputs(m: tf.LayersModel | tf.GraphModel, x: tf.Tensor): Promise<Float32Array> {
  const y = m.predict(x) as tf.Tensor;
  const values = Float32Array.from(await y.data());
  y.dispose();
  return values;
}

/** Measures one row: `rounds` alternating timings of the original and the variant (each up to `budgetMs`). */
export async function measureRow(row: LatencyRow, rounds = 2, budgetMs = 4000): Promise<LatencyMeasurement> {
  const model = await row.open();
  const recipe = parseRecipe({ pare: 'recipe', version: 2, steps: row.steps });
  const variant = await applyRecipe(model, recipe);
  const artifacts = exportArtifacts(exportVariant(model, variant, recipe).files);
  const loadOriginal = () => loadTfModel(model.artifacts, model.format);
  const loadVariant = () => loadTfModel(artifacts, variant.format);
  const options = { batch: 1, warmup: 5, minRuns: 15, maxRuns: 400, budgetMs, metadata: model.artifacts.userDefinedMetadata };
  const original: LatencyResult[] = [];
  const made: LatencyResult[] = [];
  for (let r = 0; r < rounds; r++) {
    original.push(await benchmarkLatency(loadOriginal, options));
    made.push(await benchmarkLatency(loadVariant, options));
  }
  const x = await row.inputs(model);
  const [a, b] = [await loadOriginal(), await loadVariant()];
  const similarity = cosine(await outputs(b, x), await outputs(a, x));
  a.dispose();
  b.dispose();
  x.dispose();
  const originalMedianMs = median(original.flatMap((t) => t.timesMs));
  const variantMedianMs = median(made.flatMap((t) => t.timesMs));
  return { row, original, variant: made, originalMedianMs, variantMedianMs, speedup: originalMedianMs / variantMedianMs, cosine: similarity };
}

function verdict(m: LatencyMeasurement): string {
  const t = m.row.target;
  if (!t) return '';
  const parts: string[] = [];
  if (t.speedup !== undefined) parts.push(`${m.speedup >= t.speedup ? 'meets' : 'misses'} >= ${t.speedup}x`);
  if (t.cosine !== undefined) parts.push(`${m.cosine >= t.cosine ? 'meets' : 'misses'} cosine >= ${t.cosine}`);
  return parts.join(', ');
}

async function main(): Promise<void> {
  const { wasm } = await useBackend('wasm');
  tf.enableProdMode();
  console.log(`wasm backend (${wasm.binary} binary, ${wasm.threads} thread${wasm.threads === 1 ? '' : 's'}), batch 1, tfjs ${tf.version.tfjs}`);
  console.log('model | variant | original median ms | variant median ms | speed-up | cosine | target');
  for (const row of chosenRows()) {
    const m = await measureRow(row);
    const runs = `${m.original.reduce((n, r) => n + r.runs, 0)}/${m.variant.reduce((n, r) => n + r.runs, 0)} runs`;
    console.log(
      [row.model, row.variant, m.originalMedianMs.toFixed(2), m.variantMedianMs.toFixed(2), `${m.speedup.toFixed(2)}x`, m.cosine.toFixed(6), `${verdict(m)} (${runs})`].join(' | '),
    );
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
