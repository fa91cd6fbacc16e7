/**
 * Channel groups and channel removal in graph models, on the published @vladmandic/human models: emotion (fused
 * convolutions, separable blocks, residual adds), blazeface (channels padded into residual adds), movenet and
 * handtrack (MobileNetV2 backbones with FPN heads and post-processing).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { readInput } from '../cli/read-input';
import { useBackend } from '../cli/backend';
import { exportVariant } from '../export';
import { expectStockRoundTrip, randomInputs, run } from '../export/testing/roundtrip';
import { openModel } from '../formats';
import { loadTfModel } from '../model/load-tf';
import type { OpenedModel } from '../model/types';
import { applyRecipe } from '../recipe/apply';
import { variantArtifacts } from '../recipe/artifacts';
import { parseRecipe } from '../recipe/schema';
import { indicesOf, type ChannelGroup } from './group-types';
import { channelGroups } from './groups';
import { withDeadChannels } from './testing/dead-channels';

const open = async (name: string) => openModel(await readInput(`.fixtures/real/human-${name}`));
const analyse = (m: OpenedModel) => channelGroups({ format: m.format, modelTopology: m.artifacts.modelTopology, weights: m.weights, outputs: m.outputs });
const short = (n: string) => n.replace(/^StatefulPartitionedCall\/(model_1|functional_1)\//, '');
const inputsOf = (m: OpenedModel, seed: number) => randomInputs(m, seed, m.inputs.map((i) => i.shape.map((d) => d ?? 1)));

/** Every member's axis is covered exactly once by the groups that claim it. */
function expectConsistent(m: OpenedModel, groups: ChannelGroup[]): void {
  const shapes = new Map(m.weights.map((w) => [w.name, w.shape]));
  const claimed = new Map<string, number[]>();
  for (const g of groups) {
    for (const member of g.members) {
      const key = `${member.weight}#${member.axis}`;
      const list = claimed.get(key) ?? [];
      claimed.set(key, list);
      for (let c = 0; c < g.channels; c++) list.push(...indicesOf(member.layout, c));
    }
  }
  for (const [key, list] of claimed) {
    const [weight, axis] = key.split('#');
    const n = shapes.get(weight!)![Number(axis)]!;
    expect([...list].sort((a, b) => a - b), key).toEqual([...Array(n).keys()]);
  }
}

async function outputsOf(m: OpenedModel, artifacts: tf.io.ModelArtifacts, x: tf.Tensor[]): Promise<Float32Array[]> {
  const model = await loadTfModel(artifacts, m.format);
  try {
    return await run(model, x);
  } finally {
    model.dispose();
  }
}

const maxRelative = (a: Float32Array, b: Float32Array) => {
  let scale = 0;
  let diff = 0;
  a.forEach((v, i) => ((scale = Math.max(scale, Math.abs(v))), (diff = Math.max(diff, Math.abs(v - b[i]!)))));
  return diff / (scale || 1);
};

let emotion: OpenedModel;
let blazeface: OpenedModel;
let movenet: OpenedModel;
let handtrack: OpenedModel;
beforeAll(async () => {
  await useBackend('wasm');
  [emotion, blazeface, movenet, handtrack] = await Promise.all(['emotion', 'blazeface', 'movenet-lightning', 'handtrack'].map(open));
});

describe('channel groups of graph models', () => {
  it('emotion: fused convolutions open groups, depthwise and residual adds carry them, the softmax output stays', () => {
    const { groups, totalMacs } = analyse(emotion);
    expectConsistent(emotion, groups);
    expect(groups.filter((g) => g.prunable).map((g) => g.channels)).toEqual([32, 64, 128, 128, 256, 256]);
    // add_1 joins the strided 1x1 shortcut with the separable branch after max pooling: one group, two producers.
    const residual = groups.find((g) => g.producers.map(short).includes('batch_normalization_1/FusedBatchNormV3'))!;
    expect(residual.producers.map(short)).toEqual(['batch_normalization_1/FusedBatchNormV3', 'block2_sepconv2_bn/FusedBatchNormV3']);
    expect(residual.layers.map(short)).toContain('separable_conv2d_3/separable_conv2d/depthwise');
    expect(groups.find((g) => g.channels === 7)!.reason).toBe("'StatefulPartitionedCall/model_1/predictions/Softmax' (Softmax) is an op Pare cannot see through");
    expect(totalMacs).toBeGreaterThan(60e6);
  });

  it('blazeface: channels padded into a residual add cannot shrink, and the group says so', () => {
    const { groups } = analyse(blazeface);
    expectConsistent(blazeface, groups);
    const padded = groups.filter((g) => g.reason?.includes('(Pad) pads the channel axis'));
    expect(padded.map((g) => g.channels)).toEqual([24, 48, 96]);
  });

  it('movenet and handtrack: MobileNetV2 expansions are found; heads that reshape or post-process stay', () => {
    for (const m of [movenet, handtrack]) {
      const { groups } = analyse(m);
      expectConsistent(m, groups);
      const expansions = groups.filter((g) => g.prunable && g.producers.some((p) => /block_\d+_expand_relu\/Relu6$/.test(p)));
      expect(expansions.length).toBeGreaterThanOrEqual(16);
      expect(groups.some((g) => !g.prunable && /\((Reshape|ResizeBilinear|GatherNd|Pack)\)/.test(g.reason!))).toBe(true);
    }
    // movenet's fixed 192x192 input is followed through its own preprocessing (Cast, Unpack, ExpandDims) to count
    // multiply-adds; handtrack's input has free sides, so its convolutions cannot be sized.
    const counted = analyse(movenet);
    expect(counted.layers.every((l) => l.macs > 0)).toBe(true);
    expect(counted.totalMacs).toBeGreaterThan(200e6);
  });
});

describe('prune-channels on graph models', () => {
  it('emotion at ratio 0 is unchanged; at 30% plus uint8 storage stock tf.loadGraphModel loads the export and runs it', async () => {
    const same = await applyRecipe(emotion, parseRecipe({ pare: 'recipe', version: 2, steps: [{ step: 'prune-channels', ratio: 0 }] }));
    same.weights.forEach((w, i) => expect(w.values).toBe(emotion.weights[i]!.values));
    const r = parseRecipe({ pare: 'recipe', version: 2, steps: [{ step: 'prune-channels', ratio: 0.3, roundTo: 4 }, { step: 'quantize', default: 'uint8' }] });
    const v = await applyRecipe(emotion, r);
    const after = channelGroups({ format: 'graph-model', modelTopology: v.modelTopology, weights: v.weights.map((w, i) => ({ ...w, owner: emotion.weights[i]!.owner })), outputs: emotion.outputs });
    expect(after.groups.filter((g) => g.prunable).every((g) => g.channels % 4 === 0)).toBe(true);
    expect(after.totalMacs).toBeLessThan(analyse(emotion).totalMacs);
    const x = inputsOf(emotion, 3);
    const out = await expectStockRoundTrip(emotion, v, exportVariant(emotion, v, r).files, x);
    expect(out[0]!.length).toBe(7);
    x.forEach((t) => t.dispose());
  });

  it('removing inert channels keeps the outputs of emotion and movenet', async () => {
    for (const [m, picks] of [[emotion, 3], [movenet, 6]] as const) {
      const groups = analyse(m).groups;
      const chosen = groups.filter((g) => g.prunable).slice(0, picks);
      const dead = new Map(chosen.map((g) => [g.id, [0, Math.floor(g.channels / 2), g.channels - 1]]));
      const inert = withDeadChannels(m, groups, dead);
      // perGroup rules name the groups' producers; ratio 3/channels removes exactly the three inert ones.
      const rules = chosen.map((g) => ({ match: g.producers[0]!, ratio: 3 / g.channels }));
      const v = await applyRecipe(inert, parseRecipe({ pare: 'recipe', version: 2, steps: [{ step: 'prune-channels', ratio: 0, perGroup: rules }] }));
      expect(v.weights.filter((w, i) => w.shape.join() !== m.weights[i]!.shape.join()).length).toBeGreaterThan(picks * 2);
      const x = inputsOf(m, 5);
      const [a, b] = [await outputsOf(m, inert.artifacts, x), await outputsOf(m, variantArtifacts(inert, v), x)];
      a.forEach((o, i) => expect(maxRelative(o, b[i]!), `${m.modelJsonName} output ${i}`).toBeLessThan(1e-4));
      x.forEach((t) => t.dispose());
    }
  });

  it('refuses calibrated options on graph models with a sentence', async () => {
    const r = parseRecipe({ pare: 'recipe', version: 2, steps: [{ step: 'prune-channels', ratio: 0.5, compensate: true, data: 'calibration' }] });
    await expect(applyRecipe(emotion, r, { data: { calibration: { fingerprint: 'f', dataset: { size: 1 } as never } } })).rejects.toThrow('recipe.steps[0] uses compensate, which covers layers models today');
  });
});
