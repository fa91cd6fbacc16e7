import { describe, expect, it } from 'vitest';
import { layerLabels, withoutSharedScope } from './layer-labels';

describe('layerLabels', () => {
  it('uses the layer names of a layers model as they are', () => {
    expect(
      layerLabels([
        { name: 'Conv1/kernel', owner: 'Conv1' },
        { name: 'block_10_depthwise/depthwise_kernel', owner: 'block_10_depthwise' },
      ]),
    ).toEqual(['Conv1', 'block_10_depthwise']);
  });

  it('drops the scope graph nodes share and the op at the end', () => {
    expect(
      layerLabels([
        { name: 'unknown_133', owner: 'StatefulPartitionedCall/functional_1/conv2d_34/BiasAdd' },
        { name: 'unknown_93', owner: 'StatefulPartitionedCall/functional_1/depthwise_conv2d_23/depthwise' },
      ]),
    ).toEqual(['conv2d_34', 'depthwise_conv2d_23']);
  });

  it('keeps more of a name, then the tensor name, when short names collide', () => {
    expect(
      layerLabels([
        { name: 'sep/depthwise_kernel', owner: 'sep' },
        { name: 'sep/pointwise_kernel', owner: 'sep' },
        { name: 'a', owner: 'm/x/MatMul' },
        { name: 'b', owner: 'm/x/BiasAdd' },
      ]),
    ).toEqual(['sep/depthwise_kernel', 'sep/pointwise_kernel', 'm/x/MatMul', 'm/x/BiasAdd']);
  });
});

describe('withoutSharedScope', () => {
  it('drops the segments every name shares, keeping at least the last', () => {
    expect(withoutSharedScope(['S/m/conv1/w', 'S/m/conv2/w', 'S/m/dense/b'])).toEqual(['conv1/w', 'conv2/w', 'dense/b']);
    expect(withoutSharedScope(['S/a', 'S/b'])).toEqual(['a', 'b']);
    expect(withoutSharedScope(['only/one'])).toEqual(['only/one']);
  });
});
