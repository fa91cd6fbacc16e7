/**
 * Channel groups of the shipped samples and of the published nsfwjs MobileNetV2 (residual adds, depthwise layers,
 * zero padding, a flatten into dense): which layers shrink together, and every member's length along its axis
 * agreeing with the group's channels.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readInput } from '../cli/read-input';
import { openModel } from '../formats';
import type { OpenedModel } from '../model/types';
import { indicesOf, type ChannelGroup } from './group-types';
import { channelGroups } from './groups';

const open = async (path: string) => openModel(await readInput(path));
const analyse = (m: OpenedModel) => channelGroups({ format: m.format, modelTopology: m.artifacts.modelTopology, weights: m.weights });
const byLayer = (groups: ChannelGroup[], producer: string) => groups.find((g) => g.producers[0] === producer)!;

/** Every member's axis holds exactly the indices the group's channels map to, none twice, none out of range. */
function expectConsistent(m: OpenedModel, groups: ChannelGroup[]): void {
  const shapes = new Map(m.weights.map((w) => [w.name, w.shape]));
  const claimed = new Map<string, Set<number>>();
  for (const g of groups) {
    for (const member of g.members) {
      const length = shapes.get(member.weight)![member.axis]!;
      const key = `${member.weight}#${member.axis}`;
      const seen = claimed.get(key) ?? new Set<number>();
      claimed.set(key, seen);
      for (let c = 0; c < g.channels; c++) {
        for (const i of indicesOf(member.layout, c)) {
          expect(i).toBeLessThan(length);
          expect(seen.has(i), `${key} index ${i} claimed twice`).toBe(false);
          seen.add(i);
        }
      }
    }
  }
  // Each claimed axis is covered completely: no index of a member's axis belongs to no group.
  for (const [key, seen] of claimed) {
    const [weight, axis] = key.split('#');
    expect(seen.size, key).toBe(shapes.get(weight!)![Number(axis)]);
  }
}

let cnn: OpenedModel;
let mlp: OpenedModel;
let mobilenet: OpenedModel;
beforeAll(async () => {
  cnn = await open('public/samples/fashion-cnn');
  mlp = await open('public/samples/fashion-mlp');
  mobilenet = await open('.fixtures/real/nsfwjs-mobilenet-v2');
});

describe('channel groups of layers models', () => {
  it('the sample CNN: conv channels reach the next conv, conv2 reaches fc1 through the flatten, 25 rows per channel', () => {
    const { groups, totalMacs } = analyse(cnn);
    expectConsistent(cnn, groups);
    const conv1 = byLayer(groups, 'conv1');
    expect(conv1).toMatchObject({ channels: 6, prunable: true, layers: ['conv1', 'conv2'] });
    expect(conv1.members.map((m) => [m.weight, m.axis, m.role])).toEqual([
      ['conv1/kernel', 3, 'out'],
      ['conv1/bias', 0, 'out'],
      ['conv2/kernel', 2, 'in'],
    ]);
    const conv2 = byLayer(groups, 'conv2');
    const fc1Rows = conv2.members.find((m) => m.weight === 'fc1/kernel')!;
    expect(fc1Rows.layout).toEqual({ offset: 0, inner: 1, repeat: 25, stride: 16 });
    expect(indicesOf(fc1Rows.layout, 3).slice(0, 3)).toEqual([3, 19, 35]);
    // The softmax output and the image input are not prunable, and say why.
    expect(byLayer(groups, 'fc3')).toMatchObject({ prunable: false, reason: "'fc3' (Dense) ends in a softmax over its channels" });
    expect(groups.find((g) => g.producers.length === 0)!.reason).toBe("it is the model's input ('conv1_input')");
    // conv1 28*28*25*1*6 + conv2 10*10*25*6*16 + dense 400*120 + 120*84 + 84*10
    expect(totalMacs).toBe(117600 + 240000 + 48000 + 10080 + 840);
    expect(groups.filter((g) => g.prunable).map((g) => g.producers[0])).toEqual(['conv1', 'conv2', 'fc1', 'fc2']);
  });

  it('the sample MLP: two hidden groups', () => {
    const { groups } = analyse(mlp);
    expectConsistent(mlp, groups);
    expect(groups.filter((g) => g.prunable).map((g) => [g.producers[0], g.channels])).toEqual([['fc1', 300], ['fc2', 100]]);
  });

  it('MobileNetV2 (nsfwjs): residual adds merge every branch, depthwise layers and batch norms follow their expansion', () => {
    const { groups, totalMacs } = analyse(mobilenet);
    expectConsistent(mobilenet, groups);
    expect(totalMacs).toBeGreaterThan(290e6); // MobileNetV2 1.0 at 224: about 300 million multiply-adds
    expect(totalMacs).toBeLessThan(320e6);
    const expand = byLayer(groups, 'block_5_expand');
    expect(expand).toMatchObject({ channels: 192, prunable: true });
    expect(expand.layers).toEqual(['block_5_expand', 'block_5_expand_BN', 'block_5_depthwise', 'block_5_depthwise_BN', 'block_5_project']);
    expect(expand.members.filter((m) => m.weight.startsWith('block_5_expand_BN/')).map((m) => m.weight.split('/')[1]).sort()).toEqual(['beta', 'gamma', 'moving_mean', 'moving_variance']);
    expect(expand.members.find((m) => m.weight === 'block_5_depthwise/depthwise_kernel')).toMatchObject({ axis: 2, role: 'param' });
    // block_3's projection feeds the adds of blocks 4 and 5: one group of 32 channels with three producers.
    const residual = byLayer(groups, 'block_3_project');
    expect(residual.producers).toEqual(['block_3_project', 'block_4_project', 'block_5_project']);
    expect(residual.members.filter((m) => m.role === 'in').map((m) => m.layer)).toEqual(['block_4_expand', 'block_5_expand', 'block_6_expand']);
    expect(residual.channels).toBe(32);
    // 17 expansions (blocks 1-16 and the stem's), 6 residual groups, the stem, Conv_1, two dense layers...
    const expansions = groups.filter((g) => /^block_\d+_expand$/.test(g.producers[0] ?? ''));
    expect(expansions).toHaveLength(16);
    expect(expansions.every((g) => g.prunable && g.layers.some((l) => l.endsWith('_depthwise')))).toBe(true);
    expect(byLayer(groups, 'dense_3').prunable).toBe(false);
    expect(byLayer(groups, 'Conv_1').members.find((m) => m.weight === 'dense_1/kernel')!.layout.repeat).toBe(1);
  });

});
