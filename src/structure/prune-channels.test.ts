/**
 * Channel removal through the recipe pipeline on the sample CNN and the published nsfwjs MobileNetV2: shapes of
 * every member of every group, outputs unchanged where nothing that matters was removed, stock load of the export.
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
import { variantArtifacts } from '../recipe/artifacts';
import { applyRecipe } from '../recipe/apply';
import { parseRecipe } from '../recipe/schema';
import type { Variant } from '../recipe/variant';
import { channelGroups } from './groups';
import type { ChannelGroup } from './group-types';
import { withDeadChannels } from './testing/dead-channels';

const open = async (path: string) => openModel(await readInput(path));
const groupsOf = (format: OpenedModel['format'], modelTopology: unknown, weights: OpenedModel['weights'] | Variant['weights'], owners: OpenedModel['weights']) =>
  channelGroups({ format, modelTopology, weights: weights.map((w, i) => ({ name: w.name, shape: w.shape, owner: owners[i]!.owner })) }).groups;
const recipe = (step: object) => parseRecipe({ pare: 'recipe', version: 2, steps: [{ step: 'prune-channels', ...step }] });

async function outputs(artifacts: tf.io.ModelArtifacts, inputs: tf.Tensor[]): Promise<Float32Array> {
  const m = await loadTfModel(artifacts, 'layers-model');
  try {
    return (await run(m, inputs))[0]!;
  } finally {
    m.dispose();
  }
}

function maxRelative(a: Float32Array, b: Float32Array): number {
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(a[i]!));
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
  }
  return diff / (scale || 1);
}

/** Every group of the smaller model has the kept count, and every member's axis agrees with it. */
function expectShapes(model: OpenedModel, before: ChannelGroup[], variant: Variant, kept: (g: ChannelGroup) => number): void {
  const after = groupsOf(model.format, variant.modelTopology, variant.weights, model.weights);
  expect(after.map((g) => g.layers)).toEqual(before.map((g) => g.layers));
  const shapes = new Map(variant.weights.map((w) => [w.name, w.shape]));
  before.forEach((g, i) => {
    const n = kept(g);
    expect(after[i]!.channels, `group of '${g.layers[0]}'`).toBe(n);
    for (const m of g.members) {
      const perChannel = m.layout.repeat * m.layout.inner;
      const others = shapes.get(m.weight)![m.axis]! - n * perChannel;
      // What remains along the axis besides this group is other groups' (concatenations) or nothing.
      expect(others, `${m.weight} axis ${m.axis}`).toBeGreaterThanOrEqual(0);
      if (m.layout.offset === 0 && m.layout.stride === g.channels * m.layout.inner) expect(others, `${m.weight} axis ${m.axis}`).toBe(0);
    }
  });
}

let cnn: OpenedModel;
let mobilenet: OpenedModel;
beforeAll(async () => {
  await useBackend('wasm');
  cnn = await open('public/samples/fashion-cnn');
  mobilenet = await open('.fixtures/real/nsfwjs-mobilenet-v2');
});

describe('prune-channels on the sample CNN', () => {
  it('at ratio 0 changes nothing: same shapes, same arrays, same outputs', async () => {
    const v = await applyRecipe(cnn, recipe({ ratio: 0 }));
    v.weights.forEach((w, i) => expect(w.values).toBe(cnn.weights[i]!.values));
    const x = randomInputs(cnn, 3, [[4, 28, 28, 1]]);
    expect(maxRelative(await outputs(cnn.artifacts, x), await outputs(variantArtifacts(cnn, v), x))).toBe(0);
    x.forEach((t) => t.dispose());
  });

  it('at 50%: every group halves, every member has the new length, and stock TF.js loads the export', async () => {
    const before = groupsOf(cnn.format, cnn.artifacts.modelTopology, cnn.weights, cnn.weights);
    const r = recipe({ ratio: 0.5, perGroup: [{ match: 'conv*', ratio: 0.5 }, { match: 'fc*', ratio: 0.5 }] });
    const v = await applyRecipe(cnn, r);
    expectShapes(cnn, before, v, (g) => (g.prunable ? g.channels / 2 : g.channels));
    expect(v.weights.find((w) => w.name === 'fc1/kernel')!.shape).toEqual([200, 60]);
    const x = randomInputs(cnn, 5, [[2, 28, 28, 1]]);
    const out = await expectStockRoundTrip(cnn, v, exportVariant(cnn, v, r).files, x);
    expect(out[0]!.length).toBe(20);
    x.forEach((t) => t.dispose());
  });

  it('removing channels that contribute nothing leaves the outputs unchanged (flatten rows, conv inputs, dense inputs)', async () => {
    const groups = groupsOf(cnn.format, cnn.artifacts.modelTopology, cnn.weights, cnn.weights);
    const id = (p: string) => groups.find((g) => g.producers[0] === p)!.id;
    const dead = new Map([[id('conv1'), [1, 4]], [id('conv2'), [0, 7, 15]], [id('fc1'), [3, 50, 119]], [id('fc2'), [10]]]);
    const inert = withDeadChannels(cnn, groups, dead);
    const rules = [...dead].map(([g, cs]) => ({ match: groups[g]!.producers[0]!, ratio: cs.length / groups[g]!.channels }));
    const v = await applyRecipe(inert, recipe({ ratio: 0, perGroup: rules }));
    expect(v.weights.find((w) => w.name === 'conv2/kernel')!.shape).toEqual([5, 5, 4, 13]);
    expect(v.weights.find((w) => w.name === 'fc1/kernel')!.shape).toEqual([13 * 25, 117]);
    const x = randomInputs(cnn, 7, [[8, 28, 28, 1]]);
    expect(maxRelative(await outputs(inert.artifacts, x), await outputs(variantArtifacts(inert, v), x))).toBeLessThan(1e-5);
    x.forEach((t) => t.dispose());
  });

  it('never empties a group, and rounds kept counts up to a multiple of roundTo', async () => {
    const all = await applyRecipe(cnn, recipe({ ratio: 1 }));
    expect(all.weights.find((w) => w.name === 'conv1/kernel')!.shape).toEqual([5, 5, 1, 1]);
    expect(all.weights.find((w) => w.name === 'fc2/kernel')!.shape).toEqual([1, 1]);
    const eight = await applyRecipe(cnn, recipe({ ratio: 0, perGroup: [{ match: '*', ratio: 0.7 }], roundTo: 8 }));
    // conv1 6 -> 2 -> 6 (all, fewer than 8); conv2 16 -> 5 -> 8; fc1 120 -> 36 -> 40; fc2 84 -> 25 -> 32.
    expect(['conv1/bias', 'conv2/bias', 'fc1/bias', 'fc2/bias'].map((n) => eight.weights.find((w) => w.name === n)!.shape[0])).toEqual([6, 8, 40, 32]);
  });

  it('a global ratio ranks channels across groups on normalised scores and removes that share of them', async () => {
    const v = await applyRecipe(cnn, recipe({ ratio: 0.25, criterion: 'l2' }));
    const kept = ['conv1/bias', 'conv2/bias', 'fc1/bias', 'fc2/bias'].map((n) => v.weights.find((w) => w.name === n)!.shape[0]!);
    expect(kept.reduce((a, b) => a + b, 0)).toBe(226 - Math.round(0.25 * 226));
  });

  it('leaves the opened model untouched: its topology text and every weight byte', async () => {
    const topology = JSON.stringify(cnn.artifacts.modelTopology);
    const bytes = cnn.weights.map((w) => Buffer.from(w.values.buffer, w.values.byteOffset, w.values.byteLength).toString('base64'));
    await applyRecipe(cnn, recipe({ ratio: 0.5, roundTo: 4 }));
    expect(JSON.stringify(cnn.artifacts.modelTopology)).toBe(topology);
    expect(cnn.weights.map((w) => Buffer.from(w.values.buffer, w.values.byteOffset, w.values.byteLength).toString('base64'))).toEqual(bytes);
  });

  it('says which rule selects nothing or only channels Pare cannot remove', async () => {
    await expect(applyRecipe(cnn, recipe({ ratio: 0, perGroup: [{ match: 'nope*', ratio: 0.5 }] }))).rejects.toThrow("recipe.steps[0].perGroup[0] ('nope*') names no layer that produces channels");
    await expect(applyRecipe(cnn, recipe({ ratio: 0, perGroup: [{ match: 'fc3', ratio: 0.5 }] }))).rejects.toThrow("selects only channels Pare cannot remove: 'fc3' (Dense) ends in a softmax over its channels");
  });
});

describe('prune-channels on MobileNetV2 (nsfwjs)', () => {
  it('half of every expansion: depthwise kernels and batch norms follow, residual groups stay, stock TF.js loads it', async () => {
    const before = groupsOf(mobilenet.format, mobilenet.artifacts.modelTopology, mobilenet.weights, mobilenet.weights);
    const r = recipe({ ratio: 0, perGroup: [{ match: 'block_*_expand', ratio: 0.5 }] });
    const v = await applyRecipe(mobilenet, r);
    const expansion = (g: ChannelGroup) => /^block_\d+_expand$/.test(g.producers[0] ?? '') && g.producers.length === 1;
    expectShapes(mobilenet, before, v, (g) => (expansion(g) ? g.channels / 2 : g.channels));
    expect(v.weights.find((w) => w.name === 'block_16_depthwise/depthwise_kernel')!.shape).toEqual([3, 3, 480, 1]);
    expect(v.weights.find((w) => w.name === 'block_16_project/kernel')!.shape).toEqual([1, 1, 480, 320]);
    const after = channelGroups({ format: 'layers-model', modelTopology: v.modelTopology, weights: v.weights.map((w, i) => ({ ...w, owner: mobilenet.weights[i]!.owner })) });
    const original = channelGroups({ format: 'layers-model', modelTopology: mobilenet.artifacts.modelTopology, weights: mobilenet.weights });
    expect(after.totalMacs / original.totalMacs).toBeLessThan(0.65);
    const x = randomInputs(mobilenet, 11, [[1, 224, 224, 3]]);
    const out = await expectStockRoundTrip(mobilenet, v, exportVariant(mobilenet, v, r).files, x);
    expect(out[0]!.length).toBe(5);
    x.forEach((t) => t.dispose());
  });

  it('bn-scale keeps the channels whose batch norms scale most (|gamma| summed over the group)', async () => {
    const v = await applyRecipe(mobilenet, recipe({ ratio: 0, criterion: 'bn-scale', perGroup: [{ match: 'block_5_expand', ratio: 0.75 }] }));
    const gamma = (name: string) => (mobilenet.weights.find((w) => w.name === name)!.values as Float32Array);
    const g1 = gamma('block_5_expand_BN/gamma');
    const g2 = gamma('block_5_depthwise_BN/gamma');
    const score = [...g1.keys()].map((c) => Math.abs(g1[c]!) + Math.abs(g2[c]!));
    const expected = [...score.keys()].sort((a, b) => score[b]! - score[a]! || a - b).slice(0, 48).sort((a, b) => a - b);
    expect(Array.from(v.weights.find((w) => w.name === 'block_5_expand_BN/gamma')!.values)).toEqual(expected.map((c) => g1[c]));
    const cnnRun = await applyRecipe(cnn, recipe({ ratio: 0.2, criterion: 'bn-scale' }));
    expect(cnnRun.warnings.map((w) => w.message)).toContain("recipe.steps[0]: 4 groups without a batch norm ('conv1', 'conv2', 'fc1', ...) ranked by L1 instead of \"bn-scale\".");
  });

  it('removing inert channels of expansions and of a residual group (three producers, three readers) keeps the outputs', async () => {
    const groups = groupsOf(mobilenet.format, mobilenet.artifacts.modelTopology, mobilenet.weights, mobilenet.weights);
    const id = (p: string) => groups.find((g) => g.producers[0] === p)!.id;
    const dead = new Map([[id('block_3_project'), [2, 9, 30]], [id('block_5_expand'), [0, 100, 191]], [id('Conv_1'), [5, 1000]]]);
    const inert = withDeadChannels(mobilenet, groups, dead);
    const rules = [...dead].map(([g, cs]) => ({ match: groups[g]!.producers[0]!, ratio: cs.length / groups[g]!.channels }));
    const v = await applyRecipe(inert, recipe({ ratio: 0, perGroup: rules }));
    expect(v.weights.find((w) => w.name === 'block_4_project/kernel')!.shape).toEqual([1, 1, 192, 29]);
    expect(v.weights.find((w) => w.name === 'dense_1/kernel')!.shape).toEqual([1278, 256]);
    const x = randomInputs(mobilenet, 13, [[2, 224, 224, 3]]);
    expect(maxRelative(await outputs(inert.artifacts, x), await outputs(variantArtifacts(inert, v), x))).toBeLessThan(1e-4);
    x.forEach((t) => t.dispose());
  });
});
