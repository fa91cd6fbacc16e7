/**
 * Bias correction in graph models, on @vladmandic/human's emotion model (fused Conv2D + BiasAdd, depthwise ops with
 * no bias of their own) with real photographs: corner crops of mate-backgrounds photos 1-8 calibrate, of photos
 * 9-12 measure. The depthwise arithmetic is checked against tf.depthwiseConv2d itself.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { photoCrops, photoCropSet } from '../calibrate/testing/photo-crops';
import { depthwisePatchKernel, depthwiseStats } from '../calibrate/patches';
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
import { seededRandom } from '../seeded-random';
import { correctedDepthwiseBias } from './bias-correction';
import { graphBiases } from './graph-bias';

const CONVS = 'StatefulPartitionedCall/*_weights';
let model: OpenedModel;
let calibration: Dataset;
let heldOut: tf.Tensor4D;
beforeAll(async () => {
  await useBackend('wasm');
  model = await openModel(realFiles('human-emotion'));
  calibration = photoCropSet(0, 8, 64, 1);
  heldOut = tf.tensor4d(photoCrops(8, 12, 64, 1), [16, 64, 64, 1]);
});

const valuesOf = (m: OpenedModel | Variant, name: string) => m.weights.find((w) => w.name === name)!.values as Float32Array;
const wire = new WeakMap<Variant, number>();
async function apply(step: StepInput): Promise<Variant> {
  const recipe = parseRecipe({ pare: 'recipe', version: 2, steps: [step] });
  const v = await applyRecipe(model, recipe, { data: { calibration: { fingerprint: 'photos', dataset: calibration } } });
  wire.set(v, exportVariant(model, v, recipe).sizes.weightGzipBytes);
  return v;
}

/** The held-out outputs of `node` (or of the model) in a variant, or in the original. */
async function outputs(variant: Variant | null, node?: string): Promise<Float32Array> {
  const m = (await loadTfModel(variant ? variantArtifacts(model, variant) : model.artifacts, 'graph-model')) as tf.GraphModel;
  const y = (node ? m.execute(heldOut, node) : m.predict(heldOut)) as tf.Tensor;
  const values = Float32Array.from(await y.data());
  y.dispose();
  m.dispose();
  return values;
}

/** RMS over output channels of the mean error per channel (the systematic part bias correction removes). */
function meanError(y: Float32Array, ref: Float32Array, channels: number): number {
  const mean = new Float64Array(channels);
  for (let i = 0; i < y.length; i++) mean[i % channels] += y[i]! - ref[i]!;
  const rows = y.length / channels;
  return Math.sqrt(mean.reduce((a, m) => a + (m / rows) ** 2, 0) / channels);
}

describe('bias correction in graph models', () => {
  it('finds each fused op’s bias, and says why the depthwise ops have none', () => {
    const kernels = model.weights.filter((w) => w.prunable);
    const found = graphBiases(model.artifacts.modelTopology, kernels, model.weights);
    const withBias = [...found].filter(([, b]) => typeof b !== 'string');
    expect(withBias).toHaveLength(9);
    expect(found.get('StatefulPartitionedCall/model_1/conv2d_1/Conv2D_weights')).toEqual({ bias: 'StatefulPartitionedCall/model_1/conv2d_1/Conv2D_bn_offset' });
    const depthwise = kernels.filter((w) => w.ownerType === 'DepthwiseConv2dNative');
    expect(depthwise).toHaveLength(4);
    for (const w of depthwise) expect(found.get(w.name)).toMatch(/^its op '.*\/depthwise' \(DepthwiseConv2dNative\) feeds '.*' \(_FusedConv2D\), not one BiasAdd or Add of a constant$/);
  });

  it('corrects a depthwise bias so the mean output over the calibration patches is the float one (checked with tf.depthwiseConv2d)', () => {
    const rand = seededRandom(4);
    const [kh, kw, channels, multiplier] = [3, 3, 5, 2];
    const shape = [kh, kw, channels, multiplier];
    const n = kh * kw * channels * multiplier;
    const kernel = Float32Array.from({ length: n }, () => rand() - 0.5);
    const stored = kernel.map((v) => Math.round(v * 4) / 4);
    const bias = Float32Array.from({ length: channels * multiplier }, () => rand());
    const x = tf.tensor4d(Float32Array.from({ length: 2 * 9 * 9 * channels }, () => rand() + 0.5), [2, 9, 9, channels]);
    const geometry = { kernelSize: [kh, kw] as [number, number], strides: [1, 1] as [number, number], dilation: [1, 1] as [number, number], padding: 'same' as const };
    const patch = depthwisePatchKernel(kh, kw, channels);
    const stats = depthwiseStats(x, geometry, patch, false);
    const mean = Float64Array.from(stats.sum.dataSync(), (s) => s / stats.rows);
    const corrected = correctedDepthwiseBias(bias, kernel, stored, mean, shape);
    const meanOut = (k: Float32Array, b: Float32Array) => tf.tidy(() => tf.mean(tf.add(tf.depthwiseConv2d(x, tf.tensor4d(k, shape as [number, number, number, number]), 1, 'same'), b), [0, 1, 2]).dataSync());
    const [float, plain, fixed] = [meanOut(kernel, bias), meanOut(stored, bias), meanOut(stored, corrected)];
    for (let o = 0; o < channels * multiplier; o++) {
      expect(Math.abs(fixed[o]! - float[o]!)).toBeLessThan(1e-5);
      expect(Math.abs(plain[o]! - float[o]!)).toBeGreaterThan(1e-4);
    }
    tf.dispose([x, patch, stats.sum, stats.sumSq]);
  });

  it('at 3 bits, lowers the first layer’s held-out mean error and keeps the model closer, at equal bytes; notes the depthwise ops', async () => {
    const depthwise = model.weights.filter((w) => w.ownerType === 'DepthwiseConv2dNative').map((w) => w.name);
    const rules = [CONVS, ...depthwise].map((match) => ({ match, precision: { bits: 3 } }));
    const step: StepInput = { step: 'quantize', perTensor: rules, data: 'calibration', samples: 32 };
    const plain = await apply(step);
    const fixed = await apply({ ...step, biasCorrection: true });
    const first = 'StatefulPartitionedCall/model_1/conv2d_1/Conv2D_weights';
    const bias = 'StatefulPartitionedCall/model_1/conv2d_1/Conv2D_bn_offset';
    expect(valuesOf(fixed, first)).toEqual(valuesOf(plain, first));
    expect(valuesOf(fixed, bias)).not.toEqual(valuesOf(plain, bias));
    const notes = fixed.warnings.filter((w) => w.message.includes('has no bias to correct'));
    expect(notes.map((w) => w.weight).sort()).toEqual(depthwise.sort());
    const node = model.weights.find((w) => w.name === first)!.owner;
    const ref = await outputs(null, node);
    const [ep, ef] = [meanError(await outputs(plain, node), ref, 32), meanError(await outputs(fixed, node), ref, 32)];
    const reference = await outputs(null);
    const [cp, cf] = [cosine(await outputs(plain), reference), cosine(await outputs(fixed), reference)];
    console.log(`human-emotion, 8 Conv2D and 4 depthwise weights at 3 bits: first layer held-out mean error ${ep.toExponential(3)} -> ${ef.toExponential(3)}; model cosine ${cp.toFixed(4)} -> ${cf.toFixed(4)}; weights gzip ${wire.get(plain)} vs ${wire.get(fixed)}`);
    expect(ef).toBeLessThan(ep * 0.5);
    expect(cf).toBeGreaterThan(cp);
    expect(Math.abs(wire.get(fixed)! / wire.get(plain)! - 1)).toBeLessThan(0.01);
  }, 120_000);
});
