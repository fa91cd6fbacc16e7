/**
 * Output shapes worked out from the topology equal what stock TF.js computes when it builds the model. One
 * functional model exposes many layer kinds as outputs, so every one is checked against the stock shape.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { layersModelIO } from './layers-io';
import { layerOutputShape } from './layer-shapes';
import { saveArtifacts, useCpu } from '../formats/testing/build-models';

beforeAll(useCpu);

type ST = tf.SymbolicTensor;

function manyLayers(): tf.LayersModel {
  const image = tf.input({ shape: [15, 13, 3], name: 'image' });
  const seq = tf.input({ shape: [9], name: 'tokens' });
  const apply = (layer: tf.layers.Layer, x: ST | ST[]) => layer.apply(x) as ST;
  const outs: ST[] = [];
  const conv = apply(tf.layers.conv2d({ filters: 5, kernelSize: [3, 2], strides: 2, name: 'conv_valid' }), image);
  outs.push(conv);
  outs.push(apply(tf.layers.conv2d({ filters: 4, kernelSize: 3, dilationRate: 2, name: 'conv_dilated' }), image));
  outs.push(apply(tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', name: 'conv_same' }), image));
  outs.push(apply(tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 3, name: 'dw' }), image));
  outs.push(apply(tf.layers.separableConv2d({ filters: 6, kernelSize: 3, padding: 'same', strides: 2, name: 'sep' }), image));
  outs.push(apply(tf.layers.conv2dTranspose({ filters: 2, kernelSize: 3, strides: 2, name: 'deconv_valid' }), image));
  outs.push(apply(tf.layers.conv2dTranspose({ filters: 2, kernelSize: 3, strides: 2, padding: 'same', name: 'deconv_same' }), image));
  outs.push(apply(tf.layers.maxPooling2d({ poolSize: 3, strides: 2, name: 'maxpool' }), image));
  outs.push(apply(tf.layers.averagePooling2d({ poolSize: 2, padding: 'same', name: 'avgpool' }), image));
  outs.push(apply(tf.layers.globalAveragePooling2d({ name: 'gap' }), conv));
  outs.push(apply(tf.layers.zeroPadding2d({ padding: [[1, 2], [3, 4]], name: 'pad' }), image));
  outs.push(apply(tf.layers.cropping2D({ cropping: [[1, 0], [2, 1]], name: 'crop' }), image));
  outs.push(apply(tf.layers.upSampling2d({ size: [2, 3], name: 'up' }), image));
  const flat = apply(tf.layers.flatten({ name: 'flat' }), conv);
  outs.push(flat);
  outs.push(apply(tf.layers.reshape({ targetShape: [5, -1], name: 'reshape' }), flat));
  outs.push(apply(tf.layers.permute({ dims: [2, 1, 3], name: 'permute' }), image));
  outs.push(apply(tf.layers.concatenate({ axis: 1, name: 'concat_axis1' }), [image, image]));
  outs.push(apply(tf.layers.add({ name: 'add' }), [image, image]));
  outs.push(apply(tf.layers.batchNormalization({ name: 'bn' }), image));
  outs.push(apply(tf.layers.dropout({ rate: 0.5, name: 'drop' }), flat));
  const emb = apply(tf.layers.embedding({ inputDim: 30, outputDim: 6, name: 'emb' }), seq);
  outs.push(emb);
  outs.push(apply(tf.layers.conv1d({ filters: 3, kernelSize: 4, strides: 2, name: 'conv1d' }), emb));
  outs.push(apply(tf.layers.maxPooling1d({ poolSize: 2, name: 'pool1d' }), emb));
  outs.push(apply(tf.layers.globalMaxPooling1d({ name: 'gmp1d' }), emb));
  outs.push(apply(tf.layers.lstm({ units: 7, returnSequences: true, name: 'lstm_seq' }), emb));
  outs.push(apply(tf.layers.gru({ units: 5, name: 'gru_last' }), emb));
  outs.push(apply(tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 4 }) as tf.RNN, name: 'bi' }), emb));
  outs.push(apply(tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 2 }), name: 'td' }), emb));
  outs.push(apply(tf.layers.repeatVector({ n: 4, name: 'repeat' }), flat));
  outs.push(apply(tf.layers.dense({ units: 3, activation: 'softmax', name: 'probs' }), flat));
  return tf.model({ inputs: [image, seq], outputs: outs, name: 'many' });
}

describe('layersModelIO', () => {
  it('agrees with stock TF.js on the output shape of every layer kind', async () => {
    const model = manyLayers();
    const { modelTopology } = await saveArtifacts(model);
    const io = layersModelIO(modelTopology);
    expect(io.inputs).toEqual([
      { name: 'image', shape: [null, 15, 13, 3], dtype: 'float32' },
      { name: 'tokens', shape: [null, 9], dtype: 'float32' },
    ]);
    const ours = Object.fromEntries(io.outputs.map((o) => [o.name, o.shape]));
    const stock = Object.fromEntries(model.outputs.map((o, i) => [model.outputLayers[i].name, o.shape]));
    expect(Object.keys(ours)).toHaveLength(model.outputs.length);
    // One deliberate difference: Reshape's -1 is resolved from the known element count (210 / 5), where stock
    // TF.js leaves it unknown because the batch size is.
    expect(stock.reshape).toEqual([null, 5, null]);
    expect(ours.reshape).toEqual([null, 5, 42]);
    expect({ ...ours, reshape: null }).toEqual({ ...stock, reshape: null });
  });

  it('reports an unknown layer as an unknown shape, not a guess', () => {
    const topology = {
      class_name: 'Sequential',
      config: { layers: [{ class_name: 'MyCustomLayer', config: { name: 'custom', batch_input_shape: [null, 4] } }] },
    };
    expect(layersModelIO(topology).outputs).toEqual([{ name: 'custom', shape: [], dtype: 'float32', shapeUnknown: true }]);
    expect(layerOutputShape('MyCustomLayer', {}, [[null, 4]])).toBeUndefined();
  });

  it('reads Keras 3 inbound nodes (args with keras_history)', () => {
    const tensor = (layer: string) => ({ class_name: '__keras_tensor__', config: { shape: [null, 8], keras_history: [layer, 0, 0] } });
    const topology = {
      class_name: 'Functional',
      config: {
        name: 'k3',
        layers: [
          { class_name: 'InputLayer', name: 'in', config: { name: 'in', batch_shape: [null, 8], dtype: 'float32' }, inbound_nodes: [] },
          { class_name: 'Dense', name: 'd', config: { name: 'd', units: 5 }, inbound_nodes: [{ args: [tensor('in')], kwargs: {} }] },
        ],
        input_layers: [['in', 0, 0]],
        output_layers: [['d', 0, 0]],
      },
    };
    expect(layersModelIO(topology)).toEqual({
      inputs: [{ name: 'in', shape: [null, 8], dtype: 'float32' }],
      outputs: [{ name: 'd', shape: [null, 5], dtype: 'float32' }],
    });
  });
});
