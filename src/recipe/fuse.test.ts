import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../cli/backend';
import { accuracyOf, openSample, testSubset } from '../calibrate/testing/fashion';
import { exportVariant } from '../export/index';
import { exportArtifacts } from '../export/load-export';
import { cosine, expectStockRoundTrip } from '../export/testing/roundtrip';
import { openModel } from '../formats';
import { graphModelFiles } from '../formats/testing/graph-model';
import { realFiles } from '../formats/testing/files';
import { loadTfModel } from '../model/load-tf';
import type { OpenedModel } from '../model/types';
import { batchNormCnn, openBuilt, openMobileNet, relativeError } from '../structure/testing/models';
import { photoBatch } from '../structure/testing/photos';
import { applyRecipe } from './apply';
import { parseRecipe, type StepInput } from './schema';

beforeAll(async () => {
  await useBackend('wasm');
});

const recipe = (...steps: StepInput[]) => parseRecipe({ pare: 'recipe', version: 2, steps });

async function exported(model: OpenedModel, steps: StepInput[]) {
  const r = recipe(...steps);
  const variant = await applyRecipe(model, r);
  return { variant, files: exportVariant(model, variant, r).files };
}

const json = (files: { name: string; data: Uint8Array }[]) => JSON.parse(new TextDecoder().decode(files[0]!.data));

async function predict(m: tf.LayersModel | tf.GraphModel, x: tf.Tensor): Promise<Float32Array> {
  const y = m.predict(x) as tf.Tensor;
  const out = Float32Array.from(await y.data());
  y.dispose();
  return out;
}

async function fashion(model: OpenedModel, n: number): Promise<tf.Tensor> {
  const batch = await testSubset(model).batch(0, n);
  return tf.tensor(batch.inputs, [batch.count, 28, 28, 1]);
}

describe('the fuse step', () => {
  it('writes the sample CNN as a graph model that stock tf.loadGraphModel loads from the exported files, outputs unchanged', async () => {
    const model = await openSample('fashion-cnn');
    const { variant, files } = await exported(model, [{ step: 'fuse' }]);
    expect(variant.format).toBe('graph-model');
    const j = json(files);
    expect(j.format).toBe('graph-model');
    expect(Object.keys(j.signature.inputs)).toEqual(['conv1_input']);
    expect(Object.keys(j.signature.outputs)).toEqual(['fc3']);
    expect(j.trainingConfig).toBeUndefined();
    expect(j.userDefinedMetadata.pare.recipe.steps).toEqual([{ step: 'fuse' }]);
    const graph = await tf.loadGraphModel(tf.io.fromMemory(exportArtifacts(files)));
    const layers = await loadTfModel(model.artifacts, 'layers-model');
    const x = await fashion(model, 100);
    expect(relativeError(await predict(graph, x), await predict(layers, x))).toBeLessThan(1e-5);
    graph.dispose();
    layers.dispose();
    x.dispose();
    // Pare's own graph reader opens it again, with the layers model's names.
    const reopened = await openModel(files.map((f) => ({ name: `fused/${f.name}`, data: f.data })));
    expect(reopened.format).toBe('graph-model');
    expect(reopened.inputs.map((i) => i.name)).toEqual(['conv1_input']);
    expect(reopened.weights.filter((w) => w.prunable).map((w) => w.name)).toEqual(['conv1/kernel', 'conv2/kernel', 'fc1/kernel', 'fc2/kernel', 'fc3/kernel']);
    expect(reopened.weights.find((w) => w.name === 'flatten/shape')).toMatchObject({ dtype: 'int32', prunable: false });
  });

  it('passes the stock round trip with uint8 storage: every weight bit-identical to the variant, outputs equal to the in-memory variant', async () => {
    const model = await openBuilt(batchNormCnn(), 'bn');
    const { variant, files } = await exported(model, [{ step: 'fuse' }, { step: 'quantize', default: 'uint8' }]);
    const x = await fashion(model, 8);
    const [out] = await expectStockRoundTrip(model, variant, files, [x]);
    expect(out!.length).toBe(80);
    x.dispose();
  });

  it('keeps pruned zeros through folding and storage: prune 50%, fuse, uint8', async () => {
    const model = await openBuilt(batchNormCnn(), 'bn');
    const { variant, files } = await exported(model, [{ step: 'prune', sparsity: 0.5 }, { step: 'fuse' }, { step: 'quantize', default: 'uint8' }]);
    const pruned = await applyRecipe(model, recipe({ step: 'prune', sparsity: 0.5 }));
    const zeros = (v: typeof variant, name: string) => v.weights.find((w) => w.name === name)!.values.filter((x) => x === 0).length;
    for (const name of ['stem/kernel', 'dw/depthwise_kernel', 'fc/kernel', 'probs/kernel']) {
      const before = pruned.weights.find((w) => w.name === name)!.values;
      const after = variant.weights.find((w) => w.name === name)!.values;
      expect(before.every((x, i) => x !== 0 || after[i] === 0), `${name}: every pruned weight still exactly zero`).toBe(true);
      expect(zeros(pruned, name), name).toBeGreaterThan(0);
    }
    expect(variant.stats.sparsity).toBeGreaterThanOrEqual(0.5);
    const graph = await tf.loadGraphModel(tf.io.fromMemory(exportArtifacts(files)));
    const held = graph.weights['fc/kernel']![0]!.dataSync();
    expect(held.filter((x) => x === 0).length).toBe(zeros(variant, 'fc/kernel'));
    graph.dispose();
  });

  it('reports progress that ends at its total although fusing changes how many tensors storage handles', async () => {
    const model = await openBuilt(batchNormCnn(), 'bn');
    const events: { done: number; total: number; phase: string }[] = [];
    const variant = await applyRecipe(model, recipe({ step: 'fuse' }, { step: 'quantize', default: 'uint8' }), { onProgress: (p) => events.push(p) });
    const last = events.at(-1)!;
    expect(last).toMatchObject({ done: last.total, phase: 'quantize' });
    expect(events.filter((e) => e.phase === 'quantize')).toHaveLength(variant.weights.length);
    expect(variant.weights.length).not.toBe(model.weights.length);
  });

  it('is deterministic: the same model and recipe give byte-identical files', async () => {
    const model = await openBuilt(batchNormCnn(), 'bn');
    const a = (await exported(model, [{ step: 'fuse' }, { step: 'quantize', default: 'uint8' }])).files;
    const b = (await exported(model, [{ step: 'fuse' }, { step: 'quantize', default: 'uint8' }])).files;
    expect(a.map((f) => f.name)).toEqual(b.map((f) => f.name));
    a.forEach((f, i) => expect(Buffer.compare(Buffer.from(f.data), Buffer.from(b[i]!.data))).toBe(0));
  });

  it('lets a later quantize step store the fused graph: stock TF.js loads it and accuracy stays within a point', async () => {
    const model = await openSample('fashion-cnn');
    const { variant, files } = await exported(model, [{ step: 'fuse' }, { step: 'quantize', default: 'uint8' }]);
    expect(variant.weights.filter((w) => w.dtype === 'float32').every((w) => w.stored.dtype === 'uint8')).toBe(true);
    const graph = await tf.loadGraphModel(tf.io.fromMemory(exportArtifacts(files)));
    const data = testSubset(model);
    const batch = await data.batch(0, data.size);
    const x = tf.tensor(batch.inputs, [batch.count, 28, 28, 1]);
    const predicted = (graph.predict(x) as tf.Tensor).argMax(-1).dataSync();
    const accuracy = Array.from(predicted).reduce((n: number, p, i) => n + (p === batch.labels![i] ? 1 : 0), 0) / batch.count;
    const original = await accuracyOf(model, null, data);
    expect(Math.abs(accuracy - original)).toBeLessThanOrEqual(0.01);
    graph.dispose();
    x.dispose();
  });

  it('with "format": "layers-model" folds batch norms only and writes a layers model, noting the batch norm it kept', async () => {
    const model = await openBuilt(batchNormCnn(), 'bn');
    const { variant, files } = await exported(model, [{ step: 'fuse', format: 'layers-model' }]);
    expect(variant.format).toBe('layers-model');
    expect(variant.warnings.map((w) => w.message)).toEqual([
      "recipe.steps[0] (fuse): batch norm 'after_relu_bn' was not folded: 'relu_conv' applies 'relu' before the batch norm.",
    ]);
    const classes = json(files).modelTopology.config.layers.map((l: { class_name: string }) => l.class_name);
    expect(classes.filter((c: string) => c === 'BatchNormalization')).toHaveLength(1);
    const folded = await tf.loadLayersModel(tf.io.fromMemory(exportArtifacts(files)));
    const original = await loadTfModel(model.artifacts, 'layers-model');
    const x = await fashion(model, 32);
    expect(relativeError(await predict(folded, x), await predict(original, x))).toBeLessThan(1e-5);
    folded.dispose();
    original.dispose();
    x.dispose();
  });

  it('fuses MatMul + BiasAdd in a graph model, and leaves an already fused published graph model unchanged', async () => {
    const graphModel = await openModel(graphModelFiles({ signature: true }));
    const { variant, files } = await exported(graphModel, [{ step: 'fuse' }]);
    const nodes = json(files).modelTopology.node as { name: string; op: string }[];
    expect(nodes.find((n) => n.name === 'bias')!.op).toBe('_FusedMatMul');
    expect(nodes.map((n) => n.name)).not.toContain('mm');
    expect(variant.warnings.map((w) => w.message)).toEqual(['recipe.steps[0] (fuse): fused 1 convolution or matrix product node chains with their bias and activation.']);
    const x = tf.randomUniform([3, 4], -1, 1, 'float32', 2);
    const before = await loadTfModel(graphModel.artifacts, 'graph-model');
    const after = await tf.loadGraphModel(tf.io.fromMemory(exportArtifacts(files)));
    const run = (m: tf.GraphModel) => (m.execute(x) as tf.Tensor[]).map((t) => Array.from(t.dataSync()));
    const [a, b] = [run(after), run(before)];
    expect(a).toHaveLength(2);
    a.forEach((out, i) => expect(relativeError(out, b[i]!)).toBeLessThan(1e-6));

    const emotion = await openModel(realFiles('human-emotion'));
    const same = await applyRecipe(emotion, recipe({ step: 'fuse' }));
    expect(same.modelTopology).toBe(emotion.artifacts.modelTopology);
    expect(same.warnings.map((w) => w.message)).toEqual(['recipe.steps[0] (fuse): every convolution and matrix product of this graph model is already fused; nothing changed.']);
  });

  it('refuses a layer it cannot convert, saying which step and which layer', async () => {
    const model = await openBuilt(tf.sequential({ layers: [tf.layers.conv1d({ inputShape: [10, 2], filters: 3, kernelSize: 3, name: 'temporal' })] }), 'c1d');
    await expect(applyRecipe(model, recipe({ step: 'fuse' }))).rejects.toThrow(/^recipe\.steps\[0\] \(fuse\): Layer 'temporal' is a Conv1D/);
  });

  it('exports the published nsfwjs MobileNetV2 as a fused graph model: stock load from the files, cosine >= 0.9999 on photographs', async () => {
    const model = await openMobileNet();
    const { files } = await exported(model, [{ step: 'fuse' }]);
    const graph = await tf.loadGraphModel(tf.io.fromMemory(exportArtifacts(files)));
    const layers = await loadTfModel(model.artifacts, 'layers-model');
    const photos = photoBatch(3, 224);
    const a = await predict(graph, photos);
    const b = await predict(layers, photos);
    photos.dispose();
    graph.dispose();
    layers.dispose();
    expect(relativeError(a, b)).toBeLessThan(1e-5);
    expect(cosine(a, b)).toBeGreaterThanOrEqual(0.9999);
  }, 60_000);
});
