/**
 * Calibration on a real graph model: @vladmandic/human's emotion classifier (fused Conv2D + depthwise layers, 64x64
 * grayscale input) with real photographs from Debian's mate-backgrounds: crops of the first eight photos calibrate,
 * crops of the last four measure. OBS and GPTQ against magnitude and nearest at the same sparsity and storage.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../cli/backend';
import type { Dataset } from '../evaluate/dataset';
import { exportVariant } from '../export';
import { cosine } from '../export/testing/roundtrip';
import { openModel } from '../formats';
import { realFiles } from '../formats/testing/files';
import { loadTfModel } from '../model/load-tf';
import type { OpenedModel } from '../model/types';
import { applyRecipe } from '../recipe/apply';
import { variantArtifacts } from '../recipe/artifacts';
import { parseRecipe, type StepInput } from '../recipe/schema';
import type { Variant } from '../recipe/variant';
import { InputStatsCache } from './stats-cache';
import { photoCrops, photoCropSet } from './testing/photo-crops';

let model: OpenedModel;
let calibration: Dataset;
let heldOut: tf.Tensor;
beforeAll(async () => {
  await useBackend('wasm');
  model = await openModel(realFiles('human-emotion'));
  calibration = photoCropSet(0, 8, 64, 1);
  heldOut = tf.tensor(photoCrops(8, 12, 64, 1), [16, 64, 64, 1]);
});

/**
 * The 3x3 and 1x1 Conv2D weights (named by the converter); the depthwise kernels (tested on their own below) and
 * the 3x3x256x7 classifier (unknown_*) are left out: the classifier's 2,304-row Gram matrix alone takes most of a
 * minute on a shared machine.
 */
const CONVS = 'StatefulPartitionedCall/*_weights';

/** Each variant's weights over the wire (gzip -9 per shard), as its export writes them. */
const wire = new WeakMap<Variant, number>();
const gzipOf = (v: Variant) => wire.get(v)!;

async function apply(steps: StepInput[]): Promise<Variant> {
  const recipe = parseRecipe({ pare: 'recipe', version: 2, steps });
  const v = await applyRecipe(model, recipe, { data: { calibration: { fingerprint: 'photos', dataset: calibration } } });
  wire.set(v, exportVariant(model, v, recipe).sizes.weightGzipBytes);
  return v;
}

async function fidelity(variant: Variant): Promise<number> {
  const [a, b] = [await loadTfModel(variantArtifacts(model, variant), 'graph-model'), await loadTfModel(model.artifacts, 'graph-model')];
  const run = async (m: tf.GraphModel | tf.LayersModel) => Float32Array.from(await (m.predict(heldOut) as tf.Tensor).data());
  const c = cosine(await run(a), await run(b));
  a.dispose();
  b.dispose();
  return c;
}

describe('calibration of a graph model (human-emotion) on real photographs', () => {
  it('obs keeps the outputs closer to the original than magnitude at the same sparsity, on held-out photos (every Conv2D covered)', async () => {
    const mag = await apply([{ step: 'prune', perTensor: [{ match: CONVS, sparsity: 0.6 }] }]);
    const obs = await apply([{ step: 'prune', perTensor: [{ match: CONVS, sparsity: 0.6 }], method: 'obs', data: 'calibration', samples: 16 }]);
    const zeros = (v: Variant) => v.weights.reduce((n, w) => n + Array.prototype.filter.call(w.values, (x: number) => x === 0).length, 0);
    expect(zeros(obs)).toBe(zeros(mag));
    expect(obs.warnings.filter((w) => w.message.includes('used "magnitude"'))).toEqual([]);
    const [cm, co] = [await fidelity(mag), await fidelity(obs)];
    console.log(`human-emotion, its 8 Conv2D weights 60% each, held-out cosine: magnitude ${cm.toFixed(4)}, obs ${co.toFixed(4)}`);
    expect(co).toBeGreaterThan(cm);
    console.log(`  weights gzip: magnitude ${gzipOf(mag)}, obs ${gzipOf(obs)}`);
    expect(Math.abs(gzipOf(obs) / gzipOf(mag) - 1)).toBeLessThan(0.05);
  }, 120_000);

  it('gptq keeps the outputs closer than nearest rounding at 4 bits per tensor, on held-out photos', async () => {
    const rule = [{ match: CONVS, precision: { bits: 4 } }];
    const near = await apply([{ step: 'quantize', perTensor: rule }]);
    const gptq = await apply([{ step: 'quantize', perTensor: rule, method: 'gptq', data: 'calibration', samples: 16 }]);
    const [cn, cg] = [await fidelity(near), await fidelity(gptq)];
    console.log(`human-emotion, its 8 Conv2D weights at 4 bits, held-out cosine: nearest ${cn.toFixed(4)}, gptq ${cg.toFixed(4)}`);
    expect(cg).toBeGreaterThan(cn);
    console.log(`  weights gzip: nearest ${gzipOf(near)}, gptq ${gzipOf(gptq)}`);
    expect(Math.abs(gzipOf(gptq) / gzipOf(near) - 1)).toBeLessThan(0.05);
  }, 120_000);

  it('wanda and obs prune the depthwise kernels channel by channel to the exact target, closer than magnitude at 50%', async () => {
    const depthwise = model.weights.filter((w) => w.ownerType === 'DepthwiseConv2dNative');
    const rule = depthwise.map((w) => ({ match: w.name, sparsity: 0.5 }));
    const mag = await apply([{ step: 'prune', perTensor: rule }]);
    const wanda = await apply([{ step: 'prune', perTensor: rule, method: 'wanda', data: 'calibration', samples: 16 }]);
    const obs = await apply([{ step: 'prune', perTensor: rule, method: 'obs', data: 'calibration', samples: 16 }]);
    for (const v of [mag, wanda, obs]) {
      expect(v.warnings.filter((w) => w.message.includes('used "magnitude"'))).toEqual([]);
      for (const w of depthwise) {
        const values = v.weights.find((x) => x.name === w.name)!.values;
        expect(Array.prototype.filter.call(values, (x: number) => x === 0).length).toBe(Math.round(0.5 * w.values.length));
      }
    }
    const [cm, cw, co] = [await fidelity(mag), await fidelity(wanda), await fidelity(obs)];
    console.log(`human-emotion, its 4 depthwise kernels 50%, held-out cosine: magnitude ${cm.toFixed(4)}, wanda ${cw.toFixed(4)}, obs ${co.toFixed(4)}; weights gzip ${gzipOf(mag)}, ${gzipOf(wanda)}, ${gzipOf(obs)}`);
    expect(cw).toBeGreaterThan(cm);
    expect(co).toBeGreaterThan(cw);
  }, 120_000);

  it('gptq rounds the depthwise kernels channel by channel (each its own 9 x 9 Hessian), closer than nearest at 3 bits', async () => {
    const depthwise = model.weights.filter((w) => w.ownerType === 'DepthwiseConv2dNative').map((w) => w.name);
    expect(depthwise).toHaveLength(4);
    const rule = depthwise.map((match) => ({ match, precision: { bits: 3 } }));
    const near = await apply([{ step: 'quantize', perTensor: rule }]);
    const gptq = await apply([{ step: 'quantize', perTensor: rule, method: 'gptq', data: 'calibration', samples: 16 }]);
    expect(gptq.warnings.filter((w) => w.message.includes('used "nearest"'))).toEqual([]);
    // The same per-tensor grid: only which level each weight takes changes.
    for (const name of depthwise) {
      const [a, b] = [near, gptq].map((v) => v.weights.find((w) => w.name === name)!.stored.quantization);
      expect(b).toEqual(a);
    }
    const [cn, cg] = [await fidelity(near), await fidelity(gptq)];
    console.log(`human-emotion, its 4 depthwise kernels at 3 bits, held-out cosine: nearest ${cn.toFixed(4)}, gptq ${cg.toFixed(4)}; weights gzip ${gzipOf(near)} vs ${gzipOf(gptq)}`);
    expect(cg).toBeGreaterThan(cn);
  }, 120_000);

  it('gptq from one pass (sequential: false) serves a second recipe from a kept capture, bit for bit, and still beats nearest', async () => {
    const depthwise = model.weights.filter((w) => w.ownerType === 'DepthwiseConv2dNative').map((w) => w.name);
    const perTensor = depthwise.map((match) => ({ match, precision: { bits: 3 } }));
    const steps: StepInput[] = [{ step: 'quantize', perTensor, method: 'gptq', sequential: false, data: 'calibration', samples: 16 }];
    const recipe = parseRecipe({ pare: 'recipe', version: 2, steps });
    const shards = (v: Variant) => exportVariant(model, v, recipe).files.map((f) => f.data);
    const fresh = await apply(steps);
    const statsCache = new InputStatsCache();
    const data = { calibration: { fingerprint: 'photos', dataset: calibration, statsCache } };
    const first = await applyRecipe(model, recipe, { data });
    const second = await applyRecipe(model, recipe, { data });
    expect(statsCache.hits).toBe(1);
    expect(shards(first)).toEqual(shards(fresh));
    expect(shards(second)).toEqual(shards(fresh));
    // Layer by layer, the later kernels see what the earlier ones became: other statistics, other levels.
    const sequential = await apply([{ ...steps[0]!, sequential: true } as StepInput]);
    expect(shards(sequential)).not.toEqual(shards(fresh));
    const near = await apply([{ step: 'quantize', perTensor }]);
    const [cn, cg] = [await fidelity(near), await fidelity(second)];
    console.log(`human-emotion, its 4 depthwise kernels at 3 bits, held-out cosine: nearest ${cn.toFixed(4)}, gptq from one pass ${cg.toFixed(4)}`);
    expect(cg).toBeGreaterThan(cn);
  }, 120_000);
});
