/**
 * Channel removal on a model: score each prunable group's channels, choose the ones to keep, optionally refit the
 * layers that read removed channels (least squares on calibration statistics), and write the smaller model:
 * sliced tensors in manifest order and a topology whose layers name their new channel counts.
 */
import type { ConvGeometry } from '../calibrate/patches';
import { chooseChannels, type ChannelRule } from './choose';
import type { GroupAnalysis } from './group-types';
import { channelGroups, type StructuredModel } from './groups';
import { weightScores, type Criterion } from './importance';
import { layerGraph } from './layer-graph';
import { refitKernel } from './least-squares';
import { removedIndices, reshapeGraphConsts, reshapeTopology, sliceWeights, type ShapedWeight } from './remove';
import type { GramTarget } from './capture';

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
export interface RefitTarget extends GramTarget {
  kernel: string;
  bias?: string;
  /** The kernel's input axis, and the input channels that remain along it (ascending). */
  axis: number;
  keptIn: number[];
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
      const dIn = w.shape.slice(0, -1).reduce((a, b) => a * b, 1);
      const bias = model.weights.find((b) => b.owner === m.layer && b.name.endsWith('/bias'))?.name;
      const config = configs.get(m.layer) ?? {};
      if (w.ownerType === 'Dense' && w.shape.length === 2) {
        targets.push({ layer: m.layer, dIn, kernel: w.name, ...(bias ? { bias } : {}), axis: m.axis, keptIn });
      } else if (w.ownerType === 'Conv2D' && w.shape.length === 4) {
        const conv: ConvGeometry = { kernelSize: [w.shape[0]!, w.shape[1]!], strides: pair(config.strides), dilation: pair(config.dilation_rate), padding: config.padding === 'same' ? 'same' : 'valid' };
        targets.push({ layer: m.layer, dIn, conv, kernel: w.name, ...(bias ? { bias } : {}), axis: m.axis, keptIn });
      } else skipped.push(`'${m.layer}' (${w.ownerType})`);
    }
  }
  return { targets, skipped };
}

/** The kernel rows (of the d x cout matrix view) that remain when `keptIn` channels remain along `axis`. */
function keptRows(shape: readonly number[], axis: number, keptIn: readonly number[]): number[] {
  const cin = shape[axis]!;
  const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const rows: number[] = [];
  for (let p = 0; p < outer; p++) for (const c of keptIn) rows.push(p * cin + c);
  return rows;
}

/**
 * The smaller model: refitted kernels (when Gram matrices are given), then every member sliced, and the topology
 * with the new channel counts. Tensors nothing touches keep their arrays.
 */
export function removeChannels<W extends Weight>(model: ChannelModel & { weights: readonly W[] }, plan: ChannelPlan, refit?: { targets: RefitTarget[]; grams: ReadonlyMap<string, Float64Array> }): { modelTopology: unknown; weights: W[] } {
  const removed = removedIndices(plan.analysis.groups, plan.keep);
  let weights = [...model.weights];
  const index = new Map(weights.map((w, i) => [w.name, i]));
  for (const t of refit?.targets ?? []) {
    const gram = refit!.grams.get(t.layer);
    if (!gram) continue;
    const k = weights[index.get(t.kernel)!]!;
    const b = t.bias !== undefined ? weights[index.get(t.bias)!]! : undefined;
    const cout = k.shape[k.shape.length - 1]!;
    const r = refitKernel(gram, t.dIn, k.values as Float32Array, (b?.values as Float32Array | undefined) ?? null, keptRows(k.shape, t.axis, t.keptIn), cout);
    const shape = [...k.shape];
    shape[t.axis] = t.keptIn.length;
    weights[index.get(t.kernel)!] = { ...k, values: r.kernel, shape };
    if (b && r.bias) weights[index.get(t.bias!)!] = { ...b, values: r.bias };
    removed.get(t.kernel)!.delete(t.axis); // already sliced by the refit
  }
  weights = sliceWeights(weights, removed);
  if (model.format === 'graph-model') {
    const shapes = new Map(weights.filter((w, i) => w !== model.weights[i]).map((w) => [w.name, w.shape]));
    return { modelTopology: reshapeGraphConsts(model.modelTopology, shapes), weights };
  }
  return { modelTopology: reshapeTopology(model.modelTopology, plan.analysis.groups, plan.keep), weights };
}
