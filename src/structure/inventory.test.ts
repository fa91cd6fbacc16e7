/** The channel inventory `pare inspect --groups` prints, on the sample CNN, nsfwjs MobileNetV2 and a graph model. */
import { describe, expect, it } from 'vitest';
import { renderGroups } from '../cli/inspect';
import { readInput } from '../cli/read-input';
import { openModel } from '../formats';
import { channelInventory } from './inventory';

const open = async (path: string) => openModel(await readInput(path));

describe('channelInventory', () => {
  it('lists the sample CNN groups with the layers that shrink together, channels and multiply-adds', async () => {
    const inv = channelInventory(await open('public/samples/fashion-cnn'));
    expect(inv.groups.filter((g) => g.prunable).map((g) => [g.layers, g.readers, g.channels, g.macs])).toEqual([
      [['conv1'], ['conv2'], 6, 117600 + 240000],
      [['conv2'], ['fc1'], 16, 240000 + 48000],
      [['fc1'], ['fc2'], 120, 48000 + 10080],
      [['fc2'], ['fc3'], 84, 10080 + 840],
    ]);
    const text = renderGroups(inv, false);
    expect(text).toContain('channel groups: 6 (4 can shrink); 416,520 multiply-adds per sample');
    expect(text).toMatch(/conv2 -> fc1\s+16\s+288,000\s+yes/);
    expect(text).toContain("no: 'fc3' (Dense) ends in a softmax over its channels");
  });

  it('names a residual group by every layer that carries it', async () => {
    const inv = channelInventory(await open('.fixtures/real/nsfwjs-mobilenet-v2'));
    const residual = inv.groups.find((g) => g.layers[0] === 'block_13_project')!;
    expect(residual.layers).toEqual(['block_13_project', 'block_13_project_BN', 'block_14_project', 'block_14_project_BN', 'block_15_project', 'block_15_project_BN']);
    expect(residual.readers).toEqual(['block_14_expand', 'block_15_expand', 'block_16_expand']);
  });

  it('lists the groups of a graph model by node name', async () => {
    const inv = channelInventory(await open('.fixtures/real/human-emotion'));
    expect(inv.groups.filter((g) => g.prunable)).toHaveLength(6);
    const first = inv.groups.find((g) => g.prunable)!;
    expect(first).toMatchObject({ layers: ['StatefulPartitionedCall/model_1/block1_conv1_act/Relu'], readers: ['StatefulPartitionedCall/model_1/block1_conv2_act/Relu'], channels: 32 });
    expect(renderGroups(inv, false)).toContain('channel groups: 8 (6 can shrink)');
  });
});
