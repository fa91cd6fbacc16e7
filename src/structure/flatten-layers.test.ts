import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../cli/backend';
import { randomizeWeights, nestedModel } from '../formats/testing/build-models';
import { loadTfModel } from '../model/load-tf';
import { applyRecipe } from '../recipe/apply';
import { parseRecipe } from '../recipe/schema';
import { variantArtifacts } from '../recipe/artifacts';
import { layerGraphOf } from './layer-graph';
import { flattenLayers } from './flatten-layers';
import { openBuilt, relativeError } from './testing/models';

beforeAll(async () => {
  await useBackend('wasm');
});

/** Teachable Machine's shape with batch norm: Sequential[features: Sequential(conv, BN, ReLU6, GAP), head: Sequential(dense, dense)]. */
function nestedWithBatchNorm(): tf.Sequential {
  const features = tf.sequential({
    name: 'features',
    layers: [
      tf.layers.conv2d({ inputShape: [8, 8, 3], filters: 4, kernelSize: 3, useBias: false, name: 'f_conv' }),
      tf.layers.batchNormalization({ name: 'f_bn' }),
      tf.layers.reLU({ maxValue: 6, name: 'f_relu' }),
      tf.layers.globalAveragePooling2d({ name: 'f_gap' }),
    ],
  });
  const head = tf.sequential({
    name: 'head',
    layers: [tf.layers.dense({ inputShape: [4], units: 6, activation: 'relu', name: 'h_dense' }), tf.layers.dense({ units: 2, activation: 'softmax', name: 'h_out' })],
  });
  const model = tf.sequential({ name: 'tm', layers: [features, head] });
  randomizeWeights(model, 9);
  return model;
}

describe('flattenLayers', () => {
  it('inlines nested Sequentials, keeping the nested models as named pass-throughs and TF.js input names', async () => {
    const model = await openBuilt(nestedModel(), 'tm');
    const g = layerGraphOf(flattenLayers(model.artifacts.modelTopology));
    expect(g.layers.map((l) => `${l.name}<${l.inputs.join(',')}`)).toEqual([
      'f_conv_input<', 'f_conv<f_conv_input', 'f_gap<f_conv', 'features<f_gap', 'h_dense<features', 'h_out<h_dense', 'head<h_out',
    ]);
    expect(g.outputs).toEqual(['head']);
  });

  it('lets the fuse step fold and export a nested model: stock tf.loadGraphModel, same outputs and names as the layers model', async () => {
    for (const build of [nestedModel, nestedWithBatchNorm]) {
      const model = await openBuilt(build(), build.name);
      const variant = await applyRecipe(model, parseRecipe({ pare: 'recipe', version: 2, steps: [{ step: 'fuse' }] }));
      expect(variant.format).toBe('graph-model');
      if (build === nestedWithBatchNorm) expect(variant.weights.map((w) => w.name)).not.toContain('f_bn/gamma');
      const layers = await loadTfModel(model.artifacts, 'layers-model');
      const graph = await loadTfModel(variantArtifacts(model, variant), 'graph-model');
      const x = tf.randomUniform([5, 8, 8, 3], 0, 1, 'float32', 4);
      const a = (graph.predict(x) as tf.Tensor).dataSync();
      const b = (layers.predict(x) as tf.Tensor).dataSync();
      expect(relativeError(a, b), build.name).toBeLessThan(1e-5);
      expect(graph.inputs.map((t) => t.name)).toEqual(layers.inputNames);
      expect(graph.outputs.map((t) => t.name)).toEqual(layers.outputNames);
      layers.dispose();
      graph.dispose();
      x.dispose();
    }
    const model = await openBuilt(nestedWithBatchNorm(), 'tm');
    await expect(applyRecipe(model, parseRecipe({ pare: 'recipe', version: 2, steps: [{ step: 'fuse', format: 'layers-model' }] }))).rejects.toThrow(
      'recipe.steps[0] (fuse): the model nests models inside it, which Pare folds only on the way to a graph model; leave "format" out.',
    );
  });
});
