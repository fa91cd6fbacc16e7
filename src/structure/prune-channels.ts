/**
 * Channel removal on a model: score each prunable group's channels, choose the ones to keep, and write the smaller
 * model (refitting what reads removed channels is refit.ts's job):
 * sliced tensors in manifest order and a topology whose layers name their new channel counts.
 */
import type { ConvGeometry } from '../calibrate/patches';
import { chooseChannels, type ChannelRule } from './choose';
import type { GroupAnalysis } from './group-types';
import { channelGroups, type StructuredModel } from './groups';
import { weightScores, type Criterion } from './importance';
import { layerGraph } from './channel-graph';
import { removedIndices, reshapeGraphConsts, reshapeTopology, sliceWeights, type ShapedWeight } from './remove';

export interface ChannelPruneOptions {
  ratio: number;
  criterion: Criterion;
  perGroup: readonly ChannelRule[];
  roundTo: number;
  where: string;
}

export interface ChannelPlan {
  analysis: GroupAnalysis;
  /** Kept channels (ascending) of every prunable group, by group id. */
  keep: Map<number, number[]>;
  notes: string[];
}

type Weight = ShapedWeight & { owner: string; ownerType: string };
export interface ChannelModel extends StructuredModel {
  weights: readonly Weight[];
}

/**
 * @param activations mean |activation| per channel at each probe layer (needed for the `activation` criterion)
 */
export function planChannelRemoval(model: ChannelModel, options: ChannelPruneOptions, activations?: ReadonlyMap<string, Float64Array>): ChannelPlan {
  const analysis = channelGroups(model);
  const byName = new Map(model.weights.map((w) => [w.name, w]));
  const scores = new Map<number, Float64Array>();
  const fellBack: string[] = [];
  for (const g of analysis.groups) {
    if (!g.prunable) continue;
    if (options.criterion === 'activation') {
      const s = new Float64Array(g.channels);
      for (const p of g.probes) {
        const a = activations?.get(p);
        if (!a || a.length !== g.channels) throw new Error(`Internal error: no activations measured at '${p}' for group ${g.id}.`);
        let mean = 0;
        for (const v of a) mean += v / a.length;
        a.forEach((v, c) => (s[c] += mean > 0 ? v / mean : v));
      }
      scores.set(g.id, s);
      continue;
    }
    const s = weightScores(g, byName, options.criterion);
    if (s) scores.set(g.id, s);
    else {
      scores.set(g.id, weightScores(g, byName, 'l1')!);
      fellBack.push(g.layers[0]!);
    }
  }
  const keep = chooseChannels(analysis.groups, scores, options);
  const notes = fellBack.length
    ? [`${options.where}: ${fellBack.length} group${fellBack.length === 1 ? '' : 's'} without a batch norm (${fellBack.slice(0, 3).map((l) => `'${l}'`).join(', ')}${fellBack.length > 3 ? ', ...' : ''}) ranked by L1 instead of "bn-scale".`]
    : [];
  return { analysis, keep, notes };
}

/** A layer whose input rows lose channels and that least squares can refit: Dense and Conv2D kernels. */
export interface RefitTarget {
  layer: string;
  /** Rows the original kernel reads: input features, or kh*kw*cin. */
  dIn: number;
  conv?: ConvGeometry;
  kernel: string;
  bias?: string;
  /** The kernel's input axis, and the input channels that remain along it (ascending). */
  axis: number;
  keptIn: number[];
  /** Output channels the layer keeps (its own group may lose some too). */
  keptOut: number[];
}

const pair = (v: unknown): [number, number] => (typeof v === 'number' ? [v, v] : Array.isArray(v) && v.length === 2 ? [Number(v[0]), Number(v[1])] : [1, 1]);

/** The layers to refit, and those that cannot be (with why) so the step can say so. */
export function refitTargets(model: ChannelModel, plan: ChannelPlan): { targets: RefitTarget[]; skipped: string[] } {
  const removed = removedIndices(plan.analysis.groups, plan.keep);
  const byName = new Map(model.weights.map((w) => [w.name, w]));
  const configs = new Map(layerGraph(model.modelTopology).layers.map((l) => [l.name, l.config]));
  const targets: RefitTarget[] = [];
  const skipped: string[] = [];
  const seen = new Set<string>();
  for (const g of plan.analysis.groups) {
    for (const m of g.members) {
      if (m.role !== 'in' || seen.has(m.weight) || !removed.get(m.weight)?.has(m.axis)) continue;
      seen.add(m.weight);
      const w = byName.get(m.weight)!;
      const gone = removed.get(m.weight)!.get(m.axis)!;
      const keptIn = [...Array(w.shape[m.axis]).keys()].filter((i) => !gone.has(i));
      const goneOut = removed.get(m.weight)!.get(w.shape.length - 1) ?? new Set<number>();
      const keptOut = [...Array(w.shape[w.shape.length - 1]).keys()].filter((i) => !goneOut.has(i));
      const dIn = w.shape.slice(0, -1).reduce((a, b) => a * b, 1);
      const bias = model.weights.find((b) => b.owner === m.layer && b.name.endsWith('/bias'))?.name;
      const config = configs.get(m.layer) ?? {};
      if (w.ownerType === 'Dense' && w.shape.length === 2) {
        targets.push({ layer: m.layer, dIn, kernel: w.name, ...(bias ? { bias } : {}), axis: m.axis, keptIn, keptOut });
      } else if (w.ownerType === 'Conv2D' && w.shape.length === 4) {
        const conv: ConvGeometry = { kernelSize: [w.shape[0]!, w.shape[1]!], strides: pair(config.strides), dilation: pair(config.dilation_rate), padding: config.padding === 'same' ? 'same' : 'valid' };
        targets.push({ layer: m.layer, dIn, conv, kernel: w.name, ...(bias ? { bias } : {}), axis: m.axis, keptIn, keptOut });
      } else skipped.push(`'${m.layer}' (${w.ownerType})`);
    }
  }
  // Model order: each refit sees the layers before it as already refitted.
  const order = new Map(plan.analysis.layers.map((l, i) => [l.layer, i]));
  targets.sort((x, y) => order.get(x.layer)! - order.get(y.layer)!);
  return { targets, skipped };
}

/**
 * The smaller model: every member sliced, and the topology with the new channel counts (graph models: the new
 * shapes of their constants). Tensors nothing touches keep their arrays.
 */
export function removeChannels<W extends Weight>(model: ChannelModel & { weights: readonly W[] }, plan: ChannelPlan): { modelTopology: unknown; weights: W[] } {
  const weights = sliceWeights(model.weights, removedIndices(plan.analysis.groups, plan.keep));
  if (model.format === 'graph-model') {
    const shapes = new Map(weights.filter((w, i) => w !== model.weights[i]).map((w) => [w.name, w.shape]));
    return { modelTopology: reshapeGraphConsts(model.modelTopology, shapes), weights };
  }
  return { modelTopology: reshapeTopology(model.modelTopology, plan.analysis.groups, plan.keep), weights };
}
