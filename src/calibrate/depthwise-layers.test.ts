/**
 * Calibrated pruning and rounding of the DepthwiseConv2D layers of a real layers model, nsfwjs MobileNetV2 (17 of
 * them, 3x3, multiplier 1), on real photographs: corner crops of mate-backgrounds photos 1-8 calibrate, crops of
 * photos 9-12 measure. Each channel is its own small layer with its own 9 x 9 Hessian.
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
import { photoCropSet, photoCrops } from './testing/photo-crops';

const DEPTHWISE = '*/depthwise_kernel';
const LAYER = 'block_2_depthwise';
const KERNEL = `${LAYER}/depthwise_kernel`;

let model: OpenedModel;
let original: tf.LayersModel;
let calibration: Dataset;
let heldOut: tf.Tensor4D;
/** What LAYER multiplies on the held-out crops, in the original model. */
let layerInput: tf.Tensor4D;
beforeAll(async () => {
  await useBackend('wasm');
  model = await openModel(realFiles('nsfwjs-mobilenet-v2'));
  calibration = photoCropSet(0, 8, 224, 3);
  heldOut = tf.tensor4d(photoCrops(8, 12, 224, 3), [16, 224, 224, 3]);
  original = (await loadTfModel(model.artifacts, 'layers-model')) as tf.LayersModel;
  const probe = tf.model({ inputs: original.inputs, outputs: original.getLayer(LAYER).input as tf.SymbolicTensor });
  layerInput = probe.predict(heldOut) as tf.Tensor4D;
}, 60_000);

const wire = new WeakMap<Variant, number>();
async function apply(steps: StepInput[]): Promise<Variant> {
  const recipe = parseRecipe({ pare: 'recipe', version: 2, steps });
  const v = await applyRecipe(model, recipe, { data: { calibration: { fingerprint: 'photos', dataset: calibration } } });
  wire.set(v, exportVariant(model, v, recipe).sizes.weightGzipBytes);
  return v;
}
const valuesOf = (m: OpenedModel | Variant, name: string) => m.weights.find((w) => w.name === name)!.values as Float32Array;
const zeros = (v: ArrayLike<number>) => Array.prototype.filter.call(v, (x: number) => x === 0).length;
/** Zeros right after pruning (storage on the input's uint8 grid may round a few more tiny values to zero). */
const prunedZeros = (v: Variant, name: string) => v.stats.tensors.find((t) => t.name === name)!.prunedZeros;
/** Every zero of the original kernel is still an exact zero. */
const keepsZeros = (v: Variant, name: string) => valuesOf(model, name).every((x, i) => x !== 0 || valuesOf(v, name)[i] === 0);

/**
 * LAYER's output error on the held-out crops as the batch norm after it passes it on, with the variant's kernel
 * against the original's: ‖BN(Y) − BN(Y₀)‖² / ‖BN(Y₀)‖².
 */
function layerError(variant: Variant): number {
  return tf.tidy(() => {
    const shape = model.weights.find((w) => w.name === KERNEL)!.shape as [number, number, number, number];
    const bn = (name: string) => tf.tensor1d(valuesOf(model, `${LAYER}_BN/${name}`));
    const run = (k: Float32Array) => tf.batchNorm(tf.depthwiseConv2d(layerInput, tf.tensor4d(k, shape), 1, 'same'), bn('moving_mean'), bn('moving_variance'), bn('beta'), bn('gamma'), 1e-3);
    const y0 = run(valuesOf(model, KERNEL));
    const y = run(valuesOf(variant, KERNEL));
    return tf.sum(tf.squaredDifference(y, y0)).div(tf.sum(tf.square(y0))).dataSync()[0]!;
  });
}

/** Cosine of the variant's class probabilities against the original's, over the held-out crops. */
async function fidelity(variant: Variant): Promise<number> {
  const m = await loadTfModel(variantArtifacts(model, variant), 'layers-model');
  const [a, b] = [m.predict(heldOut), original.predict(heldOut)] as tf.Tensor[];
  const c = cosine(await a!.data(), await b!.data());
  tf.dispose([a!, b!]);
  m.dispose();
  return c;
}

describe('calibration of DepthwiseConv2D layers (nsfwjs MobileNetV2) on real photographs', () => {
  it(`wanda and obs prune ${LAYER} to the exact target with a lower held-out layer error than magnitude`, async () => {
    const rule = [{ match: KERNEL, sparsity: 0.5 }];
    const [mag, wanda, obs] = await Promise.all([
      apply([{ step: 'prune', perTensor: rule }]),
      apply([{ step: 'prune', perTensor: rule, method: 'wanda', data: 'calibration', samples: 16 }]),
      apply([{ step: 'prune', perTensor: rule, method: 'obs', data: 'calibration', samples: 16 }]),
    ]);
    const n = valuesOf(model, KERNEL).length;
    for (const v of [mag, wanda, obs]) {
      expect(prunedZeros(v, KERNEL)).toBe(Math.round(0.5 * n));
      expect(zeros(valuesOf(v, KERNEL))).toBeGreaterThanOrEqual(Math.round(0.5 * n));
      expect(keepsZeros(v, KERNEL)).toBe(true);
      expect(v.warnings.filter((w) => w.message.includes('used "magnitude"'))).toEqual([]);
    }
    const [em, ew, eo] = [mag, wanda, obs].map(layerError);
    console.log(`nsfwjs ${KERNEL} 50%, held-out layer error: magnitude ${em!.toFixed(4)}, wanda ${ew!.toFixed(4)}, obs ${eo!.toFixed(4)}`);
    expect(ew).toBeLessThan(em!);
    expect(eo).toBeLessThan(ew!);
  }, 120_000);

  // obs runs layer after layer (one pass over the data each): the whole-model obs figure is the benchmark's
  // (scripts/bench-depthwise.ts); here wanda, one pass for all 17, and obs on one layer above keep the test short.
  it('wanda on all 17 depthwise kernels at 50%: exact zeros and a closer model than magnitude at equal bytes', async () => {
    const rule = [{ match: DEPTHWISE, sparsity: 0.5 }];
    const mag = await apply([{ step: 'prune', perTensor: rule }]);
    const wanda = await apply([{ step: 'prune', perTensor: rule, method: 'wanda', data: 'calibration', samples: 8 }]);
    const kernels = model.weights.filter((w) => w.name.endsWith('/depthwise_kernel'));
    expect(kernels).toHaveLength(17);
    for (const v of [wanda]) {
      for (const w of kernels) {
        expect(prunedZeros(v, w.name)).toBe(Math.round(0.5 * w.values.length));
        expect(keepsZeros(v, w.name)).toBe(true);
      }
      expect(v.warnings.filter((w) => w.message.includes('used "magnitude"'))).toEqual([]);
      expect(Math.abs(wire.get(v)! / wire.get(mag)! - 1)).toBeLessThan(0.05);
    }
    const [cm, cw] = [await fidelity(mag), await fidelity(wanda)];
    console.log(`nsfwjs, 17 depthwise kernels 50%, held-out cosine: magnitude ${cm.toFixed(4)}, wanda ${cw.toFixed(4)}; weights gzip ${wire.get(mag)}, ${wire.get(wanda)}`);
    expect(cw).toBeGreaterThan(cm);
  }, 180_000);

  it('gptq rounds the depthwise kernels at 4 bits on the same grid as nearest, closer on the layer and the model', async () => {
    // The rest float32 ("none"): nsfwjs ships uint8, which "keep" would store affine, and gptq would then round every kernel.
    const rule = [{ match: DEPTHWISE, precision: { bits: 4 } }];
    const near = await apply([{ step: 'quantize', default: 'none', perTensor: rule }]);
    const gptq = await apply([{ step: 'quantize', default: 'none', perTensor: rule, method: 'gptq', data: 'calibration', samples: 8 }]);
    expect(gptq.warnings.filter((w) => w.message.includes('used "nearest"'))).toEqual([]);
    for (const w of model.weights.filter((x) => x.name.endsWith('/depthwise_kernel'))) {
      const [a, b] = [near, gptq].map((v) => v.weights.find((x) => x.name === w.name)!.stored.quantization);
      expect(b).toEqual(a);
    }
    const [en, eg] = [layerError(near), layerError(gptq)];
    const [cn, cg] = [await fidelity(near), await fidelity(gptq)];
    console.log(`nsfwjs, 17 depthwise kernels at 4 bits: ${KERNEL} held-out layer error nearest ${en.toFixed(4)}, gptq ${eg.toFixed(4)}; model cosine nearest ${cn.toFixed(4)}, gptq ${cg.toFixed(4)}; weights gzip ${wire.get(near)} vs ${wire.get(gptq)}`);
    expect(eg).toBeLessThan(en);
    expect(cg).toBeGreaterThan(cn);
  }, 180_000);
});
