import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../cli/backend';
import { testSubset } from '../calibrate/testing/fashion';
import { loadTfModel } from '../model/load-tf';
import type { OpenedModel } from '../model/types';
import { workingArtifacts, workingModelOf } from '../recipe/working-model';
import { foldBatchNorms } from './fold-batchnorm';
import { batchNormCnn, batchNormSequential, openBuilt, openMobileNet, relativeError } from './testing/models';
import { photoBatch } from './testing/photos';
import { cosine } from '../export/testing/roundtrip';

beforeAll(async () => {
  await useBackend('wasm');
});

/** Outputs of the original and of the folded model (stock tf.loadLayersModel of both) on `x`. */
async function outputsBeforeAfter(model: OpenedModel, x: tf.Tensor) {
  const { model: folded } = foldBatchNorms(workingModelOf(model));
  const before = await loadTfModel(model.artifacts, 'layers-model');
  const after = await loadTfModel(workingArtifacts(folded), 'layers-model');
  try {
    const a = (before.predict(x) as tf.Tensor).dataSync();
    const b = (after.predict(x) as tf.Tensor).dataSync();
    return { reference: Float32Array.from(a), folded: Float32Array.from(b), after };
  } finally {
    before.dispose();
    after.dispose();
  }
}

/** Fashion-MNIST test images as a [n, 28, 28, 1] batch in [0, 1]. */
async function fashionImages(model: OpenedModel, n: number): Promise<tf.Tensor> {
  const data = testSubset(model);
  const batch = await data.batch(0, n);
  return tf.tensor(batch.inputs, [batch.count, 28, 28, 1]);
}

describe('foldBatchNorms', () => {
  it('folds every batch norm after a linear Conv2D, DepthwiseConv2D or Dense, and keeps the one after a ReLU', async () => {
    const model = await openBuilt(batchNormCnn(), 'bn-cnn');
    const { model: folded, folded: pairs, kept } = foldBatchNorms(workingModelOf(model));
    expect(pairs).toEqual([
      { batchNorm: 'stem_bn', into: 'stem', biasAdded: true },
      { batchNorm: 'dw_bn', into: 'dw', biasAdded: true },
      { batchNorm: 'sep_bn', into: 'sep', biasAdded: false },
      { batchNorm: 'fc_bn', into: 'fc', biasAdded: false },
    ]);
    expect(kept).toEqual([{ batchNorm: 'after_relu_bn', reason: "'relu_conv' applies 'relu' before the batch norm" }]);
    const names = folded.weights.map((w) => w.name);
    expect(names).toContain('stem/bias');
    expect(names).toContain('dw/bias');
    expect(names.filter((n) => n.startsWith('stem_bn/') || n.startsWith('fc_bn/'))).toEqual([]);
    expect(names.filter((n) => n.startsWith('after_relu_bn/'))).toHaveLength(4);
    const topology = folded.modelTopology as { config: { layers: { name: string; inbound_nodes: unknown }[] } };
    const layers = topology.config.layers;
    expect(layers.map((l) => l.name)).not.toContain('stem_bn');
    expect(JSON.stringify(layers.find((l) => l.name === 'stem_relu')!.inbound_nodes)).toContain('"stem"');
  });

  it('folds into the pointwise kernel of a SeparableConv2D and into a Dense without bias', async () => {
    const model = await openBuilt(batchNormSequential(), 'seq');
    const { folded: pairs } = foldBatchNorms(workingModelOf(model));
    expect(pairs.map((p) => `${p.batchNorm}>${p.into}:${p.biasAdded}`)).toEqual(['c1_bn>c1:false', 'sep_bn>sep:false', 'd1_bn>d1:true']);
  });

  it('gives outputs equal to the original within 1e-5 relative, on random inputs and on Fashion-MNIST test images', async () => {
    for (const build of [batchNormCnn, batchNormSequential]) {
      const model = await openBuilt(build(), build.name);
      const random = tf.randomUniform([8, 28, 28, 1], 0, 1, 'float32', 3);
      const images = await fashionImages(model, 32);
      for (const x of [random, images]) {
        const { reference, folded } = await outputsBeforeAfter(model, x);
        expect(relativeError(folded, reference), build.name).toBeLessThan(1e-5);
      }
      random.dispose();
      images.dispose();
    }
  });

  it('does not touch the opened model, and shares the arrays of weights it does not change', async () => {
    const model = await openBuilt(batchNormSequential(), 'seq');
    const topology = JSON.stringify(model.artifacts.modelTopology);
    const copies = model.weights.map((w) => Float32Array.from(w.values as Float32Array));
    const working = workingModelOf(model);
    const { model: folded } = foldBatchNorms(working);
    expect(JSON.stringify(model.artifacts.modelTopology)).toBe(topology);
    model.weights.forEach((w, i) => expect(Array.from(w.values)).toEqual(Array.from(copies[i]!)));
    const outKernel = folded.weights.find((w) => w.name === 'out/kernel')!;
    expect(outKernel.values).toBe(model.weights.find((w) => w.name === 'out/kernel')!.values);
    expect(folded.weights.find((w) => w.name === 'c1/kernel')!.values).not.toBe(model.weights.find((w) => w.name === 'c1/kernel')!.values);
  });

  it('is a no-op on a model without batch norm (the Fashion-MNIST sample CNN)', async () => {
    const { openSample } = await import('../calibrate/testing/fashion');
    const model = await openSample('fashion-cnn');
    const working = workingModelOf(model);
    const result = foldBatchNorms(working);
    expect(result.folded).toEqual([]);
    expect(result.model).toBe(working);
  });

  it('folds all 52 batch norms of the published nsfwjs MobileNetV2, outputs equal on real photographs', async () => {
    const model = await openMobileNet();
    const { folded: pairs, kept } = foldBatchNorms(workingModelOf(model));
    expect(pairs).toHaveLength(52);
    expect(kept).toEqual([]);
    const photos = photoBatch(4, 224);
    const { reference, folded } = await outputsBeforeAfter(model, photos);
    photos.dispose();
    expect(relativeError(folded, reference)).toBeLessThan(1e-5);
    expect(cosine(folded, reference)).toBeGreaterThanOrEqual(0.9999);
  }, 60_000);
});
