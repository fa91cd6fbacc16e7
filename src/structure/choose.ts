/**
 * Which channels each group keeps: per-group rules (matched against the names of the layers that produce or carry
 * the group's channels) prune a group to their
 * own ratio; the other prunable groups share one global ratio, ranked across groups on scores normalised per group.
 * A group never loses its last channel, and kept counts round up to a multiple of `roundTo`.
 */
import { PareError } from '../errors';
import { matches, isPattern } from '../recipe/match';
import type { ChannelGroup } from './group-types';
import { normalized } from './importance';

export interface ChannelRule {
  match: string;
  ratio: number;
}

export interface ChoiceOptions {
  ratio: number;
  perGroup: readonly ChannelRule[];
  roundTo: number;
  /** Where the step sits, for messages ('recipe.steps[0]'). */
  where: string;
}

/**
 * The layers a rule is matched against: those whose outputs carry the group's channels (its producers, their batch
 * norms, depthwise layers), not the layers that read them, which belong to the next group: 'block_*_expand' names
 * the expansions, not the residual groups the expansions read.
 */
export function ownLayers(group: ChannelGroup): string[] {
  const own = new Set([...group.producers, ...group.members.filter((m) => m.role !== 'in').map((m) => m.layer)]);
  return group.layers.filter((l) => own.has(l));
}

/** The rule for a group: one naming an own layer exactly beats every pattern; among patterns the first listed wins. */
function ruleFor(group: ChannelGroup, rules: readonly ChannelRule[]): ChannelRule | undefined {
  const own = ownLayers(group);
  return rules.find((r) => !isPattern(r.match) && own.includes(r.match)) ?? rules.find((r) => isPattern(r.match) && own.some((l) => matches(l, r.match)));
}

/** The `keep` highest-scoring channels, ascending (ties: the lower index stays). */
function topChannels(scores: Float64Array, keep: number): number[] {
  const order = [...scores.keys()].sort((a, b) => scores[b]! - scores[a]! || a - b);
  return order.slice(0, keep).sort((a, b) => a - b);
}

const rounded = (kept: number, n: number, roundTo: number) => Math.min(n, Math.max(1, Math.ceil(kept / roundTo) * roundTo));

/**
 * @param scores each prunable group's channel scores, by group id
 * @returns the kept channel indices of every prunable group (ascending)
 */
export function chooseChannels(groups: readonly ChannelGroup[], scores: ReadonlyMap<number, Float64Array>, options: ChoiceOptions): Map<number, number[]> {
  const rules = new Map<number, ChannelRule>();
  options.perGroup.forEach((rule, i) => {
    const hit = groups.filter((g) => ruleFor(g, [rule]));
    if (!hit.length) {
      throw new PareError('bad-recipe', `${options.where}.perGroup[${i}] ('${rule.match}') names no layer that produces channels (or carries them: batch norms, depthwise layers); name one.`);
    }
    const prunable = hit.filter((g) => g.prunable);
    if (!prunable.length) {
      throw new PareError('bad-recipe', `${options.where}.perGroup[${i}] ('${rule.match}') selects only channels Pare cannot remove: ${hit[0]!.reason}.`);
    }
  });
  for (const g of groups) {
    const r = g.prunable ? ruleFor(g, options.perGroup) : undefined;
    if (r) rules.set(g.id, r);
  }
  const kept = new Map<number, number>();
  for (const g of groups) {
    if (!g.prunable) continue;
    const r = rules.get(g.id);
    if (r) kept.set(g.id, g.channels - Math.round(r.ratio * g.channels));
  }
  // The global ratio: channels of the remaining groups ranked together, lowest normalised score first.
  const globalGroups = groups.filter((g) => g.prunable && !rules.has(g.id));
  const ranked: { g: number; c: number; s: number }[] = [];
  for (const g of globalGroups) {
    const s = normalized(scores.get(g.id)!);
    s.forEach((v, c) => ranked.push({ g: g.id, c, s: v }));
    kept.set(g.id, g.channels);
  }
  ranked.sort((a, b) => a.s - b.s || a.g - b.g || a.c - b.c);
  let toRemove = Math.round(options.ratio * ranked.length);
  for (const r of ranked) {
    if (toRemove === 0) break;
    const k = kept.get(r.g)!;
    if (k <= 1) continue; // never empty a group: the next-weakest channel elsewhere goes instead
    kept.set(r.g, k - 1);
    toRemove--;
  }
  const out = new Map<number, number[]>();
  for (const g of groups) {
    if (!g.prunable) continue;
    const n = rounded(kept.get(g.id)!, g.channels, options.roundTo);
    out.set(g.id, topChannels(scores.get(g.id)!, n));
  }
  return out;
}
