/**
 * What a recipe's channel removal would do to a model, without building the variant: the channel groups (the
 * inventory), the channels each prunable group keeps, and the multiply-adds per sample before and after. The
 * studio's Structure panel shows it beside the controls; it is computed here, from the same plan the
 * `prune-channels` step runs, so the page never guesses.
 */
import type { OpenedModel } from '../model/types';
import { stepsOfKind, type Recipe } from '../recipe/schema';
import type { PruneChannelsStep } from '../recipe/steps';
import { workingModelOf } from '../recipe/working-model';
import { channelGroups } from './groups';
import { channelInventory, type ChannelInventory } from './inventory';
import { planChannelRemoval } from './prune-channels';
import { removedIndices, reshapeGraphConsts, reshapeTopology } from './remove';
import type { WeightRef } from './spaces';

export interface GroupKept {
  id: number;
  /** Channels the group keeps (equal to its channels when nothing goes). */
  kept: number;
}

export interface ChannelEstimate {
  inventory: ChannelInventory;
  /** Multiply-adds per sample of the original and of the model after the recipe's channel removal. */
  macsBefore: number;
  macsAfter: number;
  /** Every group, in inventory order. */
  kept: GroupKept[];
  /**
   * 'exact': the step's own ranking. 'l1': the step ranks by calibration activations, which need data and a
   * forward pass; the counts per group are then those of an L1 ranking (equal whenever only per-group rules apply).
   */
  ranking: 'exact' | 'l1';
}

/**
 * @example channelEstimate(model, parseRecipe({ pare: 'recipe', version: 2, steps: [{ step: 'prune-channels', ratio: 0.5 }] })).macsAfter
 */
export function channelEstimate(model: OpenedModel, recipe: Recipe): ChannelEstimate {
  const inventory = channelInventory(model);
  const index = recipe.steps.findIndex((s) => s.step === 'prune-channels');
  const step = stepsOfKind(recipe, 'prune-channels')[0] as PruneChannelsStep | undefined;
  const unchanged = { inventory, macsBefore: inventory.totalMacs, macsAfter: inventory.totalMacs, kept: inventory.groups.map((g) => ({ id: g.id, kept: g.channels })), ranking: 'exact' as const };
  if (!step) return unchanged;
  const working = { ...workingModelOf(model), outputs: model.outputs };
  const criterion = step.criterion === 'activation' ? 'l1' : step.criterion;
  const plan = planChannelRemoval(working, { ratio: step.ratio, criterion, perGroup: step.perGroup, roundTo: step.roundTo, where: `recipe.steps[${index}]` });
  // Shapes only: the multiply-adds need the new shapes and topology, not sliced arrays (seconds saved per slider
  // move on a MobileNetV2). Tensors that shrink are float kernels, whose values the walk never reads.
  const removed = removedIndices(plan.analysis.groups, plan.keep);
  const shapes = new Map<string, number[]>();
  const weights: WeightRef[] = model.weights.map((w) => {
    const byAxis = removed.get(w.name);
    if (!byAxis) return w;
    const shape = w.shape.map((d, axis) => d - (byAxis.get(axis)?.size ?? 0));
    shapes.set(w.name, shape);
    return { name: w.name, shape, owner: w.owner };
  });
  const topology = model.format === 'graph-model' ? reshapeGraphConsts(model.artifacts.modelTopology, shapes) : reshapeTopology(model.artifacts.modelTopology, plan.analysis.groups, plan.keep);
  const macsAfter = channelGroups({ format: model.format, modelTopology: topology, weights, outputs: model.outputs }).totalMacs;
  return {
    inventory,
    macsBefore: inventory.totalMacs,
    macsAfter,
    kept: inventory.groups.map((g) => ({ id: g.id, kept: plan.keep.get(g.id)?.length ?? g.channels })),
    ranking: step.criterion === 'activation' ? 'l1' : 'exact',
  };
}
