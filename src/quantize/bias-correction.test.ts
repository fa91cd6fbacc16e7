/**
 * Bias correction on the sample models: calibrated on Fashion-MNIST training images, the corrected first layer's
 * mean output error measured on the held-out test subset, against the same storage without correction.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { accuracyOf, openSample, testSubset, trainingSet } from '../calibrate/testing/fashion';
import { useBackend } from '../cli/backend';
import type { Dataset } from '../evaluate/dataset';
import type { OpenedModel } from '../model/types';
import { applyRecipe } from '../recipe/apply';
import { parseRecipe, type StepInput } from '../recipe/schema';
import type { Variant } from '../recipe/variant';
import { correctedBias } from './bias-correction';

let mlp: OpenedModel;
let cnn: OpenedModel;
let train: Dataset;
let test: Dataset;
beforeAll(async () => {
  await useBackend('wasm');
  mlp = await openSample('fashion-mlp');
  cnn = await openSample('fashion-cnn');
  train = trainingSet(mlp);
  test = testSubset(mlp);
});

const data = () => ({ calibration: { fingerprint: 'sha256:train', dataset: train } });
const apply = (model: OpenedModel, step: StepInput) => applyRecipe(model, parseRecipe({ pare: 'recipe', version: 2, steps: [step] }), { data: data() });
const valuesOf = (m: OpenedModel | Variant, name: string) => m.weights.find((w) => w.name === name)!.values as Float32Array;

/** The first layer's pre-activation outputs [rows, dOut] on the held-out images, for a kernel and bias. */
async function firstLayer(layer: 'dense' | 'conv', kernel: Float32Array, bias: Float32Array, shape: number[]): Promise<{ y: Float32Array; dOut: number }> {
  const batch = await test.batch(0, test.size);
  const y = tf.tidy(() => {
    const x = tf.tensor(batch.inputs, [batch.count, 28, 28, 1]);
    const k = tf.tensor(kernel, shape);
    const out = layer === 'dense' ? tf.matMul(tf.reshape(x, [batch.count, -1]), k as tf.Tensor2D) : tf.conv2d(x as tf.Tensor4D, k as tf.Tensor4D, 1, 'valid');
    return tf.add(out, tf.tensor1d(bias));
  });
  const values = Float32Array.from(await y.data());
  y.dispose();
  return { y: values, dOut: shape[shape.length - 1]! };
}

/** ‖E[y − ref]‖ over output channels (the systematic part of the error) and E[(y − ref)²]. */
function errors(y: Float32Array, ref: Float32Array, dOut: number) {
  const mean = new Float64Array(dOut);
  let sq = 0;
  for (let i = 0; i < y.length; i++) {
    const d = y[i]! - ref[i]!;
    mean[i % dOut] += d;
    sq += d * d;
  }
  const rows = y.length / dOut;
  return { meanError: Math.sqrt(mean.reduce((a, m) => a + (m / rows) ** 2, 0) / dOut), mse: sq / y.length };
}

describe('bias correction', () => {
  it('computes b − E[x]ᵀ(W_q − W)', () => {
    const kernel = Float32Array.from([1, 2, 3, 4, 5, 6]); // [3 inputs, 2 outputs]
    const stored = Float32Array.from([1.5, 2, 3, 3, 5, 6.25]);
    const b = correctedBias(Float32Array.from([0.5, -1]), kernel, stored, Float64Array.from([2, 1, 4]), 2);
    expect(Array.from(b)).toEqual([0.5 - 2 * 0.5, -1 - (1 * -1 + 4 * 0.25)]);
  });

  for (const [name, layer, kernelName, bits] of [
    ['MLP fc1', 'dense', 'fc1/kernel', 2],
    ['MLP fc1', 'dense', 'fc1/kernel', 3],
    ['CNN conv1', 'conv', 'conv1/kernel', 3],
  ] as const) {
    it(`lowers the held-out mean output error of ${name} at ${bits} bits (bias kept float32)`, async () => {
      const model = name.startsWith('MLP') ? mlp : cnn;
      const step: StepInput = { step: 'quantize', default: { bits }, skip: ['*/bias'], data: 'calibration', samples: 512 };
      const plain = await apply(model, step);
      const fixed = await apply(model, { ...step, biasCorrection: true });
      const biasName = kernelName.replace('kernel', 'bias');
      const shape = model.weights.find((w) => w.name === kernelName)!.shape;
      expect(valuesOf(fixed, kernelName)).toEqual(valuesOf(plain, kernelName));
      expect(valuesOf(fixed, biasName)).not.toEqual(valuesOf(plain, biasName));
      const ref = await firstLayer(layer, valuesOf(model, kernelName), valuesOf(model, biasName), shape);
      const a = errors((await firstLayer(layer, valuesOf(plain, kernelName), valuesOf(plain, biasName), shape)).y, ref.y, ref.dOut);
      const b = errors((await firstLayer(layer, valuesOf(fixed, kernelName), valuesOf(fixed, biasName), shape)).y, ref.y, ref.dOut);
      console.log(`${name} ${bits}-bit held-out mean output error ${a.meanError.toExponential(3)} -> ${b.meanError.toExponential(3)}, MSE ${a.mse.toExponential(3)} -> ${b.mse.toExponential(3)}`);
      expect(b.meanError).toBeLessThan(a.meanError * 0.5);
      expect(b.mse).toBeLessThan(a.mse);
    });
  }

  it('prints what it does to accuracy on the held-out subset, and corrects every quantized kernel of the MLP', async () => {
    const report: string[] = [];
    for (const [name, model] of [['MLP', mlp], ['CNN', cnn]] as const) {
      for (const bits of [3, 2]) {
        const step: StepInput = { step: 'quantize', default: { bits }, data: 'calibration', samples: 512 };
        const plain = await accuracyOf(model, await apply(model, step), test);
        const v = await apply(model, { ...step, biasCorrection: true });
        const fixed = await accuracyOf(model, v, test);
        report.push(`${name} ${bits}-bit accuracy: nearest ${(plain * 100).toFixed(1)}%, with bias correction ${(fixed * 100).toFixed(1)}%`);
        if (model === mlp) for (const b of ['fc1/bias', 'fc2/bias', 'fc3/bias']) expect(valuesOf(v, b)).not.toEqual(valuesOf(await apply(model, step), b));
      }
    }
    console.log(report.join('\n'));
  }, 60_000);

  it('needs calibration data, and says so', () => {
    expect(() => parseRecipe({ pare: 'recipe', version: 2, steps: [{ step: 'quantize', default: { bits: 4 }, biasCorrection: true }] })).toThrow(
      'recipe.steps[0] asks for "biasCorrection", which needs calibration data: add "data": "calibration".',
    );
  });
});
