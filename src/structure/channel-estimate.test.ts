/**
 * The Structure panel's numbers, from the core: per-group kept channels and multiply-adds after a recipe's channel
 * removal, checked against the variant the recipe actually builds (sample CNN, nsfwjs MobileNetV2).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readInput } from '../cli/read-input';
import { openModel } from '../formats';
import type { OpenedModel } from '../model/types';
import { applyRecipe } from '../recipe/apply';
import { parseRecipe } from '../recipe/schema';
import { channelEstimate } from './channel-estimate';
import { channelGroups } from './groups';

const recipe = (...steps: object[]) => parseRecipe({ pare: 'recipe', version: 2, steps });
let cnn: OpenedModel;
beforeAll(async () => {
  cnn = await openModel(await readInput('public/samples/fashion-cnn'));
});

/** Multiply-adds of the variant a recipe builds, counted on its own topology and shapes. */
async function builtMacs(model: OpenedModel, r: ReturnType<typeof recipe>): Promise<number> {
  const v = await applyRecipe(model, r);
  return channelGroups({ format: v.format, modelTopology: v.modelTopology, weights: v.weights.map((w, i) => ({ ...w, owner: model.weights[i]!.owner })) }).totalMacs;
}

describe('channelEstimate', () => {
  it('without channel removal: every group whole, multiply-adds unchanged', () => {
    const e = channelEstimate(cnn, recipe({ step: 'quantize', default: 'uint8' }));
    expect(e.macsBefore).toBe(416520);
    expect(e.macsAfter).toBe(416520);
    expect(e.kept.map((k) => k.kept)).toEqual(e.inventory.groups.map((g) => g.channels));
  });

  it('a per-group rule beside a global ratio: the named group takes its own ratio, the others share the global one', async () => {
    const r = recipe({ step: 'prune-channels', ratio: 0.5, perGroup: [{ match: 'conv1', ratio: 0 }, { match: 'fc1', ratio: 0.75 }] });
    const e = channelEstimate(cnn, r);
    const keptOf = (layer: string) => e.kept.find((k) => k.id === e.inventory.groups.find((g) => g.layers[0] === layer)!.id)!.kept;
    expect(keptOf('conv1')).toBe(6);
    expect(keptOf('fc1')).toBe(30);
    // Unprunable groups (the softmax output) keep everything and say why.
    const output = e.inventory.groups.find((g) => g.layers[0] === 'fc3')!;
    expect(output.prunable).toBe(false);
    expect(output.reason).toContain('softmax');
    expect(keptOf('fc3')).toBe(output.channels);
    expect(e.macsAfter).toBeLessThan(e.macsBefore);
    expect(e.macsAfter).toBe(await builtMacs(cnn, r));
  });

  it('MobileNetV2 with half of its expansion channels: the same multiply-adds the built variant has', async () => {
    const mobilenet = await openModel(await readInput('.fixtures/real/nsfwjs-mobilenet-v2'));
    const r = recipe({ step: 'prune-channels', ratio: 0, perGroup: [{ match: 'block_*_expand', ratio: 0.5 }] });
    const e = channelEstimate(mobilenet, r);
    expect(e.macsBefore).toBe(299855360);
    expect(e.macsAfter).toBe(await builtMacs(mobilenet, r));
    expect(e.macsAfter).toBe(170580032);
  });

  it('a graph model (human emotion): the estimate matches the built variant too', async () => {
    const emotion = await openModel(await readInput('.fixtures/real/human-emotion'));
    const r = recipe({ step: 'prune-channels', ratio: 0.5 });
    const e = channelEstimate(emotion, r);
    expect(e.inventory.groups.filter((g) => g.prunable)).toHaveLength(6);
    expect(e.macsAfter).toBeLessThan(e.macsBefore);
    const v = await applyRecipe(emotion, r);
    const built = channelGroups({ format: v.format, modelTopology: v.modelTopology, weights: v.weights.map((w, i) => ({ ...w, owner: emotion.weights[i]!.owner })), outputs: emotion.outputs }).totalMacs;
    expect(e.macsAfter).toBe(built);
  });

  it('a rule that names no layer is the step error, naming the rule', () => {
    expect(() => channelEstimate(cnn, recipe({ step: 'prune-channels', ratio: 0, perGroup: [{ match: 'nope', ratio: 0.5 }] }))).toThrow("recipe.steps[0].perGroup[0] ('nope') names no layer");
  });
});
