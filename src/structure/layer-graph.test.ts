import { describe, expect, it } from 'vitest';
import type { OpenedModel } from '../model/types';
import type { WorkingModel, WorkingWeight } from '../recipe/working-model';
import { foldBatchNorms } from './fold-batchnorm';
import { layerGraphOf } from './layer-graph';

const tensor = (layer: string) => ({ class_name: '__keras_tensor__', config: { shape: [null, 4, 4, 2], dtype: 'float32', keras_history: [layer, 0, 0] } });
const call = (...from: string[]) => [{ args: from.length === 1 ? [tensor(from[0]!)] : [from.map(tensor)], kwargs: {} }];

/** A Keras 3 functional topology: inbound nodes as {args} with keras_history, the BN a model output. */
const keras3 = {
  class_name: 'Functional',
  config: {
    name: 'k3',
    layers: [
      { class_name: 'InputLayer', name: 'x', config: { name: 'x', batch_shape: [null, 4, 4, 2], dtype: 'float32' }, inbound_nodes: [] },
      { class_name: 'Conv2D', name: 'conv', config: { name: 'conv', filters: 2, kernel_size: [1, 1], use_bias: false, activation: 'linear' }, inbound_nodes: call('x') },
      { class_name: 'BatchNormalization', name: 'bn', config: { name: 'bn', axis: -1, epsilon: 0.001 }, inbound_nodes: call('conv') },
      { class_name: 'Add', name: 'sum', config: { name: 'sum' }, inbound_nodes: call('bn', 'x') },
    ],
    input_layers: [['x', 0, 0]],
    output_layers: [['sum', 0, 0], ['bn', 0, 0]],
  },
};

const w = (name: string, owner: string, ownerType: string, values: number[]): WorkingWeight => ({
  name, owner, ownerType, shape: name.endsWith('kernel') ? [1, 1, 2, 2] : [2], dtype: 'float32', values: Float32Array.from(values),
  storedBytes: values.length * 4, prunable: name.endsWith('kernel'), masked: false, prune: { mode: 'none' },
});

describe('layerGraphOf', () => {
  it('reads Keras 3 calls (args with keras_history), Sequential inputs named as TF.js names them, and refuses shared layers', () => {
    const g = layerGraphOf(keras3);
    expect(g.layers.map((l) => `${l.name}<${l.inputs.join(',')}`)).toEqual(['x<', 'conv<x', 'bn<conv', 'sum<bn,x']);
    expect(g.outputs).toEqual(['sum', 'bn']);
    const seq = layerGraphOf({ class_name: 'Sequential', config: { layers: [{ class_name: 'Dense', config: { name: 'd', units: 2, batch_input_shape: [null, 3] } }] } });
    expect(seq.inputs).toEqual(['d_input']);
    expect(seq.layers[0]).toMatchObject({ className: 'InputLayer', config: { batch_input_shape: [null, 3] } });
    const shared = structuredClone(keras3);
    shared.config.layers[1]!.inbound_nodes = [...call('x'), ...call('x')];
    expect(() => layerGraphOf(shared)).toThrow("Layer 'conv' is called 2 times (a shared layer); Pare restructures only layers called once.");
  });

  it('folds through Keras 3 references: consumers and model outputs of the BN now name the conv', () => {
    const weights = [
      w('conv/kernel', 'conv', 'Conv2D', [1, 2, 3, 4]),
      w('bn/gamma', 'bn', 'BatchNormalization', [2, 0.5]),
      w('bn/beta', 'bn', 'BatchNormalization', [1, -1]),
      w('bn/moving_mean', 'bn', 'BatchNormalization', [0.5, 0]),
      w('bn/moving_variance', 'bn', 'BatchNormalization', [3.999, 0.249]),
    ];
    const model: WorkingModel = { source: {} as OpenedModel, format: 'layers-model', modelTopology: keras3, weights, warnings: [] };
    // 'bn' is a model output and 'conv' feeds only 'bn': the BN output becomes the conv's.
    const { model: folded, folded: pairs } = foldBatchNorms(model);
    expect(pairs).toEqual([{ batchNorm: 'bn', into: 'conv', biasAdded: true }]);
    const g = layerGraphOf(folded.modelTopology);
    expect(g.layers.map((l) => `${l.name}<${l.inputs.join(',')}`)).toEqual(['x<', 'conv<x', 'sum<conv,x']);
    expect(g.outputs).toEqual(['sum', 'conv']);
    // s = gamma / sqrt(var + eps) = [1, 1]; bias = (0 - mean) * s + beta.
    expect(Array.from(folded.weights.find((x) => x.name === 'conv/bias')!.values)).toEqual([0.5, -1]);
    expect(Array.from(folded.weights.find((x) => x.name === 'conv/kernel')!.values)).toEqual([1, 2, 3, 4]);
    expect(JSON.stringify(keras3)).not.toContain('"use_bias":true'); // the input topology is untouched
  });
});
