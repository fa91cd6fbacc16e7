/**
 * Calibrated compression of depthwise kernels and graph-model bias correction on real published models with real
 * photographs (`npx tsx scripts/bench-depthwise.ts [prune|gptq|bias] [nsfwjs|emotion]`): corner crops of Debian's
 * mate-backgrounds photos 1-8 calibrate; crops of photos 9-12 and of the wallpapers in /usr/share/backgrounds
 * measure. For each model it prints the held-out cosine
 * of the outputs against the original's and the weights over the wire (gzip -9 per shard), plain method against
 * the calibrated one at the same sparsity and storage:
 *   prune  every depthwise kernel to 30% and 50%: magnitude, wanda, obs
 *   gptq   every depthwise kernel at 3 and 4 bits, the rest float32: nearest, gptq
 *   bias   every kernel (emotion: its Conv2D weights) at 4 bits, nearest, without and with bias correction
 */
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../src/cli/backend';
import { cropsOf, extraPhotoPaths, photoCrops, photoCropSet } from '../src/calibrate/testing/photo-crops';
import { exportVariant } from '../src/export/index';
import { cosine } from '../src/export/testing/roundtrip';
import { openModel } from '../src/formats/index';
import { realFiles } from '../src/formats/testing/files';
import { loadTfModel } from '../src/model/load-tf';
import { applyRecipe } from '../src/recipe/apply';
import { variantArtifacts } from '../src/recipe/artifacts';
import { parseRecipe, type StepInput } from '../src/recipe/schema';

const SAMPLES = Number(process.env.SAMPLES ?? 32);
const parts = process.argv.slice(2);
const want = (p: string) => !parts.some((x) => ['prune', 'gptq', 'bias'].includes(x)) || parts.includes(p);
const models = [
  { id: 'nsfwjs', fixture: 'nsfwjs-mobilenet-v2', size: 224, channels: 3 as const, all: '*kernel' },
  { id: 'emotion', fixture: 'human-emotion', size: 64, channels: 1 as const, all: 'StatefulPartitionedCall/*_weights' },
].filter((m) => !parts.some((x) => x === 'nsfwjs' || x === 'emotion') || parts.includes(m.id));

await useBackend('wasm');
for (const spec of models) {
  const model = await openModel(realFiles(spec.fixture));
  const calibration = photoCropSet(0, 8, spec.size, spec.channels);
  const crops = [photoCrops(8, 12, spec.size, spec.channels), cropsOf(extraPhotoPaths(), spec.size, spec.channels)];
  const all = new Float32Array(crops.reduce((n, c) => n + c.length, 0));
  crops.reduce((at, c) => (all.set(c, at), at + c.length), 0);
  const count = all.length / (spec.size * spec.size * spec.channels);
  const heldOut = tf.tensor4d(all, [count, spec.size, spec.size, spec.channels]);
  const original = await loadTfModel(model.artifacts, model.format);
  const reference = await (original.predict(heldOut) as tf.Tensor).data();
  const measure = async (label: string, steps: StepInput[]) => {
    const recipe = parseRecipe({ pare: 'recipe', version: 2, steps });
    const start = performance.now();
    const v = await applyRecipe(model, recipe, { data: { calibration: { fingerprint: 'photos', dataset: calibration } } });
    const seconds = (performance.now() - start) / 1000;
    const gzip = exportVariant(model, v, recipe).sizes.weightGzipBytes;
    const m = await loadTfModel(variantArtifacts(model, v), v.format);
    const out = m.predict(heldOut) as tf.Tensor;
    const c = cosine(await out.data(), reference);
    out.dispose();
    m.dispose();
    const fallbacks = v.warnings.filter((w) => /used "(magnitude|nearest|no bias correction)"/.test(w.message)).length;
    console.log(`${spec.id.padEnd(8)} ${label.padEnd(34)} cosine ${c.toFixed(4)}  weights gzip ${gzip.toLocaleString('en-US').padStart(10)} B  ${seconds.toFixed(1)} s${fallbacks ? `  (${fallbacks} fell back)` : ''}`);
  };
  const data = { data: 'calibration', samples: SAMPLES } as const;
  const depthwise = model.weights.filter((w) => w.prunable && /depthwise/i.test(w.ownerType ?? '')).map((w) => w.name);
  console.log(`${spec.id}: ${depthwise.length} depthwise kernels, ${SAMPLES} calibration crops (mate photos 1-8), ${count} held-out crops (mate photos 9-12 and ${extraPhotoPaths().length} wallpapers)`);
  if (want('prune')) {
    for (const sparsity of [0.3, 0.5]) {
      const rule = depthwise.map((match) => ({ match, sparsity }));
      await measure(`depthwise ${sparsity * 100}% magnitude`, [{ step: 'prune', perTensor: rule }]);
      await measure(`depthwise ${sparsity * 100}% wanda`, [{ step: 'prune', perTensor: rule, method: 'wanda', ...data }]);
      await measure(`depthwise ${sparsity * 100}% obs`, [{ step: 'prune', perTensor: rule, method: 'obs', ...data }]);
    }
  }
  if (want('gptq')) {
    for (const bits of [3, 4]) {
      const rule = depthwise.map((match) => ({ match, precision: { bits } }));
      // Everything else float32 ("none") (nsfwjs ships uint8, which "keep" would store affine, and gptq would round too).
      await measure(`depthwise ${bits}-bit nearest`, [{ step: 'quantize', default: 'none', perTensor: rule }]);
      await measure(`depthwise ${bits}-bit gptq`, [{ step: 'quantize', default: 'none', perTensor: rule, method: 'gptq', ...data }]);
    }
  }
  if (want('bias')) {
    for (const bits of [3, 4]) {
      const rule = [{ match: spec.all, precision: { bits } }];
      await measure(`kernels ${bits}-bit nearest`, [{ step: 'quantize', perTensor: rule }]);
      await measure(`kernels ${bits}-bit nearest + bias correction`, [{ step: 'quantize', perTensor: rule, biasCorrection: true, ...data }]);
    }
  }
  heldOut.dispose();
  original.dispose();
}
