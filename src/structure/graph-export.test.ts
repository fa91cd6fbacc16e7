import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../cli/backend';
import { openSample, testSubset } from '../calibrate/testing/fashion';
import { cosine } from '../export/testing/roundtrip';
import type { GraphNode } from '../model/graph-topology';
import { loadTfModel } from '../model/load-tf';
import type { OpenedModel } from '../model/types';
import { workingArtifacts, workingModelOf, type WorkingModel } from '../recipe/working-model';
import { foldBatchNorms } from './fold-batchnorm';
import { layersToGraph } from './graph-export';
import { batchNormCnn, batchNormSequential, openBuilt, openMobileNet, relativeError } from './testing/models';
import { photoBatch } from './testing/photos';

beforeAll(async () => {
  await useBackend('wasm');
});

const nodesOf = (m: WorkingModel) => (m.modelTopology as unknown as { node: GraphNode[] }).node;
const fusedOps = (n: GraphNode) => ((n.attr?.fused_ops as { list: { s?: string[] } }).list.s ?? []).map((s) => atob(s));

/** The layers model's and the stock-loaded graph export's outputs on `x`, and the loaded graph's names. */
async function compare(model: OpenedModel, graph: WorkingModel, x: tf.Tensor) {
  const layers = await loadTfModel(model.artifacts, 'layers-model');
  const loaded = await loadTfModel(workingArtifacts(graph), 'graph-model');
  try {
    const reference = Float32Array.from((layers.predict(x) as tf.Tensor).dataSync());
    const exported = Float32Array.from((loaded.predict(x) as tf.Tensor).dataSync());
    return {
      reference, exported,
      names: { inputs: loaded.inputs.map((t) => t.name), outputs: loaded.outputs.map((t) => t.name) },
      layerNames: { inputs: layers.inputNames, outputs: layers.outputNames },
    };
  } finally {
    layers.dispose();
    loaded.dispose();
  }
}

async function fashion(model: OpenedModel, n: number): Promise<tf.Tensor> {
  const batch = await testSubset(model).batch(0, n);
  return tf.tensor(batch.inputs, [batch.count, 28, 28, 1]);
}

describe('layersToGraph', () => {
  it('converts the sample CNN and MLP into fused nodes that stock tf.loadGraphModel runs with the same outputs and names', async () => {
    for (const name of ['fashion-cnn', 'fashion-mlp'] as const) {
      const model = await openSample(name);
      const graph = layersToGraph(workingModelOf(model));
      expect(graph.format).toBe('graph-model');
      const ops = nodesOf(graph).map((n) => n.op);
      if (name === 'fashion-cnn') {
        const convs = nodesOf(graph).filter((n) => n.op === '_FusedConv2D');
        expect(convs.map((n) => `${n.name}:${fusedOps(n).join('+')}`)).toEqual(['conv1:BiasAdd+Relu', 'conv2:BiasAdd+Relu']);
        expect(ops.filter((o) => o === 'MaxPool')).toHaveLength(2);
        expect(ops).toContain('Reshape');
      }
      expect(nodesOf(graph).filter((n) => n.op === '_FusedMatMul').map(fusedOps)).toEqual([['BiasAdd', 'Relu'], ['BiasAdd', 'Relu'], ['BiasAdd']]);
      expect(ops.at(-1)).toBe('Softmax');
      for (const x of [await fashion(model, 64), tf.randomUniform([4, 28, 28, 1], 0, 1, 'float32', 9)]) {
        const r = await compare(model, graph, x);
        expect(relativeError(r.exported, r.reference), name).toBeLessThan(1e-5);
        expect(r.names.inputs).toEqual(r.layerNames.inputs);
        expect(r.names.outputs).toEqual(r.layerNames.outputs);
        x.dispose();
      }
    }
  });

  it('converts batch norms, residual adds, padding, concatenation, pooling and activations, folded or not', async () => {
    for (const build of [batchNormCnn, batchNormSequential]) {
      const model = await openBuilt(build(), build.name);
      const plain = layersToGraph(workingModelOf(model));
      const fused = layersToGraph(foldBatchNorms(workingModelOf(model)).model);
      const count = (m: WorkingModel, op: string) => nodesOf(m).filter((n) => n.op === op).length;
      expect(count(plain, 'FusedBatchNormV3')).toBeGreaterThan(count(fused, 'FusedBatchNormV3'));
      if (build === batchNormCnn) {
        expect(count(fused, 'FusedBatchNormV3')).toBe(1); // the one after a ReLU conv
        expect(nodesOf(fused).find((n) => n.name === 'stem')).toMatchObject({ op: '_FusedConv2D' });
        expect(fusedOps(nodesOf(fused).find((n) => n.name === 'stem')!)).toEqual(['BiasAdd', 'Relu6']);
        expect(fusedOps(nodesOf(fused).find((n) => n.name === 'dw')!)).toEqual(['BiasAdd', 'Relu']);
        expect(fusedOps(nodesOf(fused).find((n) => n.name === 'fc')!)).toEqual(['BiasAdd', 'Elu']);
        for (const op of ['AddV2', 'Pad', 'ConcatV2', 'AvgPool', 'MaxPool']) expect(count(fused, op), op).toBe(1);
      } else {
        expect(count(fused, 'Mean')).toBe(1);
        expect(count(fused, 'Tanh')).toBe(1);
      }
      const x = await fashion(model, 16);
      for (const graph of [plain, fused]) {
        const r = await compare(model, graph, x);
        expect(relativeError(r.exported, r.reference), build.name).toBeLessThan(1e-5);
      }
      x.dispose();
    }
  });

  it('refuses a layer it cannot convert, naming the layer and its class', async () => {
    const model = tf.sequential({ layers: [tf.layers.conv1d({ inputShape: [10, 2], filters: 3, kernelSize: 3, name: 'temporal' })] });
    const opened = await openBuilt(model, 'c1d');
    expect(() => layersToGraph(workingModelOf(opened))).toThrow(/Layer 'temporal' is a Conv1D, which Pare cannot convert to a graph model/);
  });

  it('converts the published nsfwjs MobileNetV2, folded, with outputs equal on real photographs', async () => {
    const model = await openMobileNet();
    const graph = layersToGraph(foldBatchNorms(workingModelOf(model)).model);
    const ops = nodesOf(graph).map((n) => n.op);
    expect(ops.filter((o) => o === 'FusedBatchNormV3')).toEqual([]);
    expect(ops.filter((o) => o === '_FusedConv2D')).toHaveLength(35);
    expect(ops.filter((o) => o === 'FusedDepthwiseConv2dNative')).toHaveLength(17);
    expect(ops.filter((o) => o === 'Relu6')).toEqual([]); // every ReLU6 runs inside its convolution
    const photos = photoBatch(4, 224);
    const r = await compare(model, graph, photos);
    photos.dispose();
    expect(relativeError(r.exported, r.reference)).toBeLessThan(1e-5);
    expect(cosine(r.exported, r.reference)).toBeGreaterThanOrEqual(0.9999);
    expect(r.names.inputs).toEqual(['input_1']);
    expect(r.names.outputs).toEqual(['dense_3']);
  }, 60_000);
});
