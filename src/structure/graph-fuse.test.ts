import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../cli/backend';
import type { GraphNode } from '../model/graph-topology';
import type { OpenedModel } from '../model/types';
import { workingArtifacts, type WorkingModel, type WorkingWeight } from '../recipe/working-model';
import { constNode, dtype, ints, node, placeholderNode, str } from './graph-nodes';
import { fuseGraphNodes } from './graph-fuse';
import { relativeError } from './testing/models';

beforeAll(async () => {
  await useBackend('wasm');
});

const T = { T: dtype('float32') };
const conv = { ...T, strides: ints([1, 1, 1, 1]), padding: str('SAME'), data_format: str('NHWC'), dilations: ints([1, 1, 1, 1]) };
const weight = (name: string, shape: number[], seed: number): WorkingWeight => {
  const n = shape.reduce((a, b) => a * b, 1);
  return {
    name, shape, dtype: 'float32', values: Float32Array.from({ length: n }, (_, i) => Math.sin(seed * 7 + i * 1.3)),
    storedBytes: n * 4, owner: name, ownerType: 'Const', prunable: false, masked: false, prune: { mode: 'none' },
  };
};

/**
 * x -> Conv2D -> BiasAdd -> Relu6 -> DepthwiseConv2dNative -> BiasAdd -> (output, and Relu) ; the second BiasAdd
 * has two consumers, so only the first chain fuses with its activation and the second without.
 */
function unfusedGraph(): WorkingModel {
  const weights = [weight('k1', [3, 3, 2, 4], 1), weight('b1', [4], 2), weight('k2', [3, 3, 4, 1], 3), weight('b2', [4], 4)];
  const nodes: GraphNode[] = [
    ...weights.map((w) => constNode(w.name, 'float32', w.shape)),
    placeholderNode('x', 'float32', [null, 6, 6, 2]),
    node('c1', 'Conv2D', ['x', 'k1'], conv),
    node('c1/bias', 'BiasAdd', ['c1', 'b1'], T),
    node('c1/relu', 'Relu6', ['c1/bias'], T),
    node('d2', 'DepthwiseConv2dNative', ['c1/relu', 'k2'], conv),
    node('d2/bias', 'BiasAdd', ['d2', 'b2'], T),
    node('d2/relu', 'Relu', ['d2/bias'], T),
  ];
  const sig = (name: string) => ({ name: `${name}:0`, dtype: 'DT_FLOAT', tensorShape: { dim: [] } });
  const signature = { inputs: { x: sig('x') }, outputs: { pre: sig('d2/bias'), post: sig('d2/relu') } };
  const source = { artifacts: { format: 'graph-model', signature } } as unknown as OpenedModel;
  return { source, format: 'graph-model', modelTopology: { node: nodes, versions: { producer: 1 } } as never, weights, warnings: [] };
}

async function run(model: WorkingModel, x: tf.Tensor): Promise<Float32Array[]> {
  const g = await tf.loadGraphModel(tf.io.fromMemory(workingArtifacts(model)));
  const ys = g.execute(x) as tf.Tensor[];
  const out = ys.map((y) => Float32Array.from(y.dataSync()));
  g.dispose();
  return out;
}

describe('fuseGraphNodes', () => {
  it('fuses Conv2D + BiasAdd + Relu6 and DepthwiseConv2dNative + BiasAdd, keeping names consumers and the signature use', async () => {
    const model = unfusedGraph();
    const { model: fused, fused: names } = fuseGraphNodes(model);
    expect(names).toEqual(['c1/relu', 'd2/bias']);
    const nodes = (fused.modelTopology as unknown as { node: GraphNode[] }).node;
    const c1 = nodes.find((n) => n.name === 'c1/relu')!;
    expect(c1.op).toBe('_FusedConv2D');
    expect(c1.input).toEqual(['x', 'k1', 'b1']);
    expect(((c1.attr!.fused_ops as { list: { s: string[] } }).list.s).map((s) => atob(s))).toEqual(['BiasAdd', 'Relu6']);
    expect(nodes.find((n) => n.name === 'd2/bias')!.op).toBe('FusedDepthwiseConv2dNative');
    expect(nodes.map((n) => n.name)).not.toContain('c1');
    expect(nodes.find((n) => n.name === 'd2/relu')).toMatchObject({ op: 'Relu', input: ['d2/bias'] });
    expect(fused.weights.find((w) => w.name === 'k1')).toMatchObject({ owner: 'c1/relu', ownerType: '_FusedConv2D' });
    expect((model.modelTopology as unknown as { node: GraphNode[] }).node.find((n) => n.name === 'c1')!.op).toBe('Conv2D');

    const x = tf.randomUniform([2, 6, 6, 2], -1, 1, 'float32', 5);
    const [before, after] = [await run(model, x), await run(fused, x)];
    expect(after).toHaveLength(2);
    after.forEach((out, i) => expect(relativeError(out, before[i]!)).toBeLessThan(1e-5));
    x.dispose();
    expect(fuseGraphNodes(fused).fused).toEqual([]);
  });
});
