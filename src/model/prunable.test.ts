import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { openModel } from '../formats/index';
import { graphWeightRoles, layersWeightRoles } from './prunable';
import { artifactsToFiles } from '../formats/testing/encode';
import { convModel, nestedModel, saveArtifacts, sequenceModel, useCpu } from '../formats/testing/build-models';
import { graphModelFiles } from '../formats/testing/graph-model';
import { realFiles } from '../formats/testing/files';
import type { OpenedModel } from './types';

beforeAll(useCpu);

const prunableNames = (m: OpenedModel) => m.weights.filter((w) => w.prunable).map((w) => w.name).sort();
const open = async (model: tf.LayersModel) => openModel(artifactsToFiles(await saveArtifacts(model)));

describe('layers models', () => {
  it('kernels of Conv2D, DepthwiseConv2D, SeparableConv2D, Conv2DTranspose and Dense; never biases or batch norm', async () => {
    const model = await open(convModel());
    expect(prunableNames(model)).toEqual(
      ['conv/kernel', 'dw/depthwise_kernel', 'out/kernel', 'sep/depthwise_kernel', 'sep/pointwise_kernel', 'up/kernel'].sort(),
    );
    const bn = model.weights.filter((w) => w.owner === 'conv_bn');
    expect(bn.map((w) => w.name).sort()).toEqual(['conv_bn/beta', 'conv_bn/gamma', 'conv_bn/moving_mean', 'conv_bn/moving_variance']);
    expect(bn.every((w) => !w.prunable && w.ownerType === 'BatchNormalization')).toBe(true);
    const byName = Object.fromEntries(model.weights.map((w) => [w.name, w]));
    expect(byName['sep/pointwise_kernel']).toMatchObject({ owner: 'sep', ownerType: 'SeparableConv2D' });
    expect(byName['up/kernel']).toMatchObject({ owner: 'up', ownerType: 'Conv2DTranspose' });
    expect(byName['conv/bias']).toMatchObject({ owner: 'conv', ownerType: 'Conv2D', prunable: false });
  });

  it('Conv1D and Dense kernels, not embeddings', async () => {
    const model = await open(sequenceModel());
    expect(prunableNames(model)).toEqual(['conv1d/kernel', 'logits/kernel']);
    expect(model.weights.find((w) => w.name === 'embed/embeddings')).toMatchObject({ owner: 'embed', ownerType: 'Embedding', prunable: false });
  });

  it('layers inside nested models are found by name', async () => {
    const model = await open(nestedModel());
    expect(prunableNames(model)).toEqual(['f_conv/kernel', 'h_dense/kernel', 'h_out/kernel']);
    expect(model.weights.find((w) => w.name === 'f_conv/kernel')).toMatchObject({ owner: 'f_conv', ownerType: 'Conv2D' });
  });

  it('maps prefixed, suffixed and wrapped weight names; Conv3D; never int32', () => {
    const layer = (class_name: string, name: string, extra: Record<string, unknown> = {}) => ({ class_name, config: { name, ...extra } });
    const topology = {
      class_name: 'Sequential',
      config: {
        name: 'seq',
        layers: [
          layer('Conv3D', 'c3'),
          layer('Dense', 'dense'),
          layer('Dense', 'dense_1'),
          layer('TimeDistributed', 'td', { layer: { class_name: 'Dense', config: { name: 'inner', units: 2 } } }),
          layer('Dense', 'counts'),
        ],
      },
    };
    const roles = layersWeightRoles(topology, [
      { name: 'c3/kernel', dtype: 'float32' },
      { name: 'seq/dense_1/kernel:0', dtype: 'float32' }, // model prefix and tensor suffix
      { name: 'dense_2/kernel', dtype: 'float32' }, // uniqueness suffix on the layer: 'dense' + '_2'
      { name: 'dense/kernel_1', dtype: 'float32' }, // uniqueness suffix on the variable
      { name: 'dense/bias', dtype: 'float32' },
      { name: 'td/kernel', dtype: 'float32' },
      { name: 'counts/kernel', dtype: 'int32' },
      { name: 'mystery/kernel', dtype: 'float32' },
    ]);
    expect(roles).toEqual([
      { owner: 'c3', ownerType: 'Conv3D', prunable: true },
      { owner: 'dense_1', ownerType: 'Dense', prunable: true },
      { owner: 'dense', ownerType: 'Dense', prunable: true },
      { owner: 'dense', ownerType: 'Dense', prunable: true },
      { owner: 'dense', ownerType: 'Dense', prunable: false },
      { owner: 'td', ownerType: 'TimeDistributed(Dense)', prunable: true },
      { owner: 'counts', ownerType: 'Dense', prunable: false },
      { owner: 'mystery', ownerType: 'unknown', prunable: false },
    ]);
  });

  it('nsfwjs MobileNetV2: conv, depthwise and dense kernels; batch-norm gamma/beta/moving stats and biases not', async () => {
    const model = await openModel(realFiles('nsfwjs-mobilenet-v2'));
    // The expected set, derived from the topology's own layer list.
    const json = JSON.parse(new TextDecoder().decode(realFiles('nsfwjs-mobilenet-v2').find((f) => f.name.endsWith('model.json'))!.data));
    const layers: { class_name: string; config: { name: string } }[] = json.modelTopology.model_config.config.layers;
    const expected = layers.flatMap((l) =>
      l.class_name === 'Conv2D' || l.class_name === 'Dense'
        ? [`${l.config.name}/kernel`]
        : l.class_name === 'DepthwiseConv2D'
          ? [`${l.config.name}/depthwise_kernel`]
          : [],
    );
    expect(expected.length).toBeGreaterThan(50);
    expect(prunableNames(model)).toEqual(expected.sort());
    const notPrunable = model.weights.filter((w) => !w.prunable);
    expect(notPrunable.every((w) => /\/(gamma|beta|moving_mean|moving_variance|bias)$/.test(w.name))).toBe(true);
    expect(notPrunable.some((w) => w.name.endsWith('/moving_variance'))).toBe(true);
    expect(model.weights.every((w) => w.ownerType !== 'unknown')).toBe(true);
  });
});

describe('graph models', () => {
  it('weights feeding input 1 of MatMul (through Identity) and fused ops; not biases, int32 or unused constants', async () => {
    const model = await openModel(graphModelFiles());
    const roles = Object.fromEntries(model.weights.map((w) => [w.name, { owner: w.owner, ownerType: w.ownerType, prunable: w.prunable }]));
    expect(roles).toEqual({
      w: { owner: 'mm', ownerType: 'MatMul', prunable: true },
      b: { owner: 'bias', ownerType: 'BiasAdd', prunable: false },
      shape: { owner: 'out', ownerType: 'Reshape', prunable: false },
      w2: { owner: 'out2', ownerType: '_FusedMatMul', prunable: true },
      b2: { owner: 'out2', ownerType: '_FusedMatMul', prunable: false },
      unused: { owner: 'unused', ownerType: 'Const', prunable: false },
    });
  });

  it('an int32 constant at the weight input, or a constant at input 0, is not prunable', () => {
    const topology = {
      node: [
        { name: 'k', op: 'Const' },
        { name: 'a', op: 'Const' },
        { name: 'x', op: 'Placeholder' },
        { name: 'm1', op: 'MatMul', input: ['x', 'k'] },
        { name: 'm2', op: 'MatMul', input: ['a', 'x:0'] },
        { name: 'c', op: 'Conv2D', input: ['x', '^a'] },
      ],
    };
    expect(graphWeightRoles(topology, [{ name: 'k', dtype: 'int32' }, { name: 'a', dtype: 'float32' }])).toEqual([
      { owner: 'm1', ownerType: 'MatMul', prunable: false },
      { owner: 'm2', ownerType: 'MatMul', prunable: false },
    ]);
  });

  it('handtrack: fused conv and depthwise filters prunable, their biases and the int32 constants not', async () => {
    const files = realFiles('human-handtrack');
    const model = await openModel(files);
    const json = JSON.parse(new TextDecoder().decode(files.find((f) => f.name.endsWith('.json'))!.data));
    const nodes: { name: string; op: string; input?: string[] }[] = json.modelTopology.node;
    const weighted = nodes.filter((n) => ['_FusedConv2D', 'FusedDepthwiseConv2dNative', 'DepthwiseConv2dNative'].includes(n.op));
    const filters = new Set(weighted.map((n) => n.input![1]));
    const biases = new Set(weighted.filter((n) => n.op !== 'DepthwiseConv2dNative').map((n) => n.input![2]));
    expect(filters.size).toBe(123);
    expect(new Set(prunableNames(model))).toEqual(filters);
    const byName = new Map(model.weights.map((w) => [w.name, w]));
    for (const bias of biases) expect(byName.get(bias)?.prunable, bias).toBe(false);
    expect(model.weights.filter((w) => w.dtype === 'int32').every((w) => !w.prunable)).toBe(true);
    expect(model.weights.filter((w) => w.prunable).every((w) => w.shape.length === 4)).toBe(true);
  });
});
