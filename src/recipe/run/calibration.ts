/**
 * Calibration for steps that use data: which kernels the input statistics cover (Dense, channels-last Conv2D and
 * DepthwiseConv2D kernels of top-level layers in layers models; MatMul, NHWC Conv2D and depthwise weights in graph
 * models), and the passes of the model over the calibration samples that gather them (one for all layers, or one
 * per layer on what the earlier layers became).
 */
import type * as tf from '@tensorflow/tfjs';
import type { CaptureTarget, InputStats } from '../../calibrate/capture';
import type { GraphCaptureTarget } from '../../calibrate/capture-graph';
import { PareError, type PareWarning } from '../../errors';
import { workingArtifacts, type WorkingModel, type WorkingWeight } from '../working-model';
import type { StepContext } from './context';

export { DEFAULT_CALIBRATION_SAMPLES } from '../steps';
/** Inputs above this make d² Gram matrices too large to hold (obs, gptq); such layers use the plain method. */
const MAX_OBS_INPUTS = 4096;

type Pair = [number, number];
const pair = (v: unknown, fallback: number): Pair => {
  if (typeof v === 'number') return [v, v];
  if (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number')) return [v[0], v[1]];
  return [fallback, fallback];
};

/** What the statistics can cover: Dense, channels-last Conv2D and DepthwiseConv2D kernels of top-level layers. Else why not. */
function targetFor(w: WorkingWeight, model: tf.LayersModel, needsGram: boolean, weights: readonly WorkingWeight[]): CaptureTarget | string {
  let layer: tf.layers.Layer;
  try {
    layer = model.getLayer(w.owner);
  } catch {
    return `its layer '${w.owner}' is inside a nested model`;
  }
  const dIn = w.shape.slice(0, -1).reduce((a, b) => a * b, 1);
  const cls = layer.getClassName();
  if (cls === 'DepthwiseConv2D' && w.shape.length === 4) return depthwiseTarget(w, layer, dIn, weights);
  if (needsGram && dIn > MAX_OBS_INPUTS) return `its ${dIn.toLocaleString('en-US')} inputs make the Gram matrix too large (at most ${MAX_OBS_INPUTS.toLocaleString('en-US')})`;
  if (cls === 'Dense' && w.shape.length === 2) return { weight: w.name, layer: w.owner, kind: 'dense', dIn };
  if (cls === 'Conv2D' && w.shape.length === 4) {
    const c = layer.getConfig() as Record<string, unknown>;
    if (c.dataFormat === 'channelsFirst') return 'it is a channels-first convolution';
    return {
      weight: w.name,
      layer: w.owner,
      kind: 'conv2d',
      dIn,
      conv: convGeometry(w, c),
    };
  }
  return `${cls} kernels are not covered yet (Dense, Conv2D and DepthwiseConv2D are)`;
}

/** A convolution's geometry from its kernel's shape and its layer's config. */
function convGeometry(w: WorkingWeight, c: Record<string, unknown>): NonNullable<CaptureTarget['conv']> {
  return {
    kernelSize: [w.shape[0]!, w.shape[1]!],
    strides: pair(c.strides, 1),
    dilation: pair(c.dilationRate, 1),
    padding: c.padding === 'same' ? 'same' : 'valid',
  };
}

/**
 * A DepthwiseConv2D kernel [kh, kw, cin, multiplier]: each channel is its own small layer over its kh*kw patch
 * elements, so its Gram matrices are kh*kw square, whatever cin is.
 */
function depthwiseTarget(w: WorkingWeight, layer: tf.layers.Layer, dIn: number, weights: readonly WorkingWeight[]): CaptureTarget | string {
  const c = layer.getConfig() as Record<string, unknown>;
  if (c.dataFormat === 'channelsFirst') return 'it is a channels-first convolution';
  return {
    outputWeights: batchNormWeights(layer, weights, w.shape[2]! * w.shape[3]!),
    weight: w.name,
    layer: w.owner,
    kind: 'depthwise',
    dIn,
    conv: convGeometry(w, c),
  };
}

/**
 * γ² / (σ² + ε) of the batch norm that alone reads `layer`'s output (channels last), as the model has them now:
 * what that batch norm multiplies an error in each channel by, squared. Undefined when no such batch norm follows.
 */
function batchNormWeights(layer: tf.layers.Layer, weights: readonly WorkingWeight[], channels: number): Float64Array | undefined {
  const out = (layer as unknown as { outboundNodes: { outboundLayer: tf.layers.Layer }[] }).outboundNodes;
  if (out.length !== 1) return undefined;
  const bn = out[0]!.outboundLayer;
  if (bn.getClassName() !== 'BatchNormalization') return undefined;
  const c = bn.getConfig() as Record<string, unknown>;
  if (c.axis !== -1 && c.axis !== 3 && !(Array.isArray(c.axis) && c.axis.length === 1 && (c.axis[0] === -1 || c.axis[0] === 3))) return undefined;
  const find = (name: string) => weights.find((w) => w.owner === bn.name && w.name.endsWith(`/${name}`))?.values;
  const variance = find('moving_variance');
  const gamma = c.scale === false ? null : find('gamma');
  if (!variance || variance.length !== channels || (gamma !== null && gamma?.length !== channels)) return undefined;
  const eps = typeof c.epsilon === 'number' ? c.epsilon : 1e-3;
  return Float64Array.from({ length: channels }, (_, i) => (gamma ? gamma[i]! ** 2 : 1) / (variance[i]! + eps));
}

export interface Calibrated {
  target: CaptureTarget;
  stats: InputStats;
}

export interface CalibrateOptions {
  /** The step kind, for progress: one unit per tensor. */
  phase: 'prune' | 'quantize';
  method: string;
  fallback: string;
  gram: boolean;
  samples: number;
  /**
   * Layer by layer, in the model's order, each layer's statistics gathered on the model with every earlier layer
   * already changed (as SparseGPT and GPTQ do), so later layers compensate what earlier ones lost. Otherwise one
   * pass on the model as the step found it.
   */
  sequential: boolean;
}

/**
 * Changes each tensor at `indices` by `update(i, calibrated)` — with its layer's input statistics, or null for a
 * tensor they cannot cover (a warning then says why and that `fallback` was used) — and returns the weights.
 */
export async function calibrateEach(
  model: WorkingModel,
  indices: readonly number[],
  options: CalibrateOptions,
  ctx: StepContext,
  /** May be async: a wide layer's compensation pauses between rows (ctx.pause) so a cancel gets in. */
  update: (i: number, calibrated: Calibrated | null) => WorkingWeight['values'] | Promise<WorkingWeight['values']>,
): Promise<{ weights: WorkingWeight[]; warnings: PareWarning[] }> {
  const data = ctx.data.calibration;
  if (!data) throw new PareError('missing-data', `${ctx.where} needs the calibration data set, and none was given.`);
  // TF.js loads only when a step runs the model: `pare optimize` without data never pays for it.
  const [tfjs, { captureInputStats }, { captureGraphInputStats, graphNodes, graphTargetFor }, { loadTfModel }] = await Promise.all([
    import('@tensorflow/tfjs'),
    import('../../calibrate/capture'),
    import('../../calibrate/capture-graph'),
    import('../../model/load-tf'),
  ]);
  ctx.noteModelRun(tfjs.getBackend());
  const graph = model.format === 'graph-model';
  const nodes = graph ? graphNodes(model.modelTopology) : null;
  const nodeOrder = nodes ? new Map([...nodes.keys()].map((n, i) => [n, i])) : null;
  const warnings: PareWarning[] = [];
  const weights = [...model.weights];
  // The model as loaded into TF.js; reloaded only when a tensor has changed since and statistics are wanted again.
  // A layers model's targets are found on it; a graph's come from its topology, so it loads when a capture needs it
  // (with kept statistics, never).
  let loaded: tf.LayersModel | tf.GraphModel | null = graph ? null : await loadTfModel(workingArtifacts(model), model.format);
  const capture = async (targets: CaptureTarget[]) => {
    const key = { topology: model.modelTopology, values: weights.map((w) => w.values), dataset: data.dataset, samples: options.samples, gram: options.gram };
    const kept = data.statsCache?.get(key, targets.map((t) => t.weight));
    if (kept) return kept;
    loaded ??= await loadTfModel(workingArtifacts({ ...model, weights }), model.format);
    const opts = { samples: options.samples, gram: options.gram, checkAbort: ctx.checkAbort };
    const stats = graph
      ? await captureGraphInputStats(loaded as tf.GraphModel, targets as GraphCaptureTarget[], data.dataset, opts)
      : await captureInputStats(loaded as tf.LayersModel, targets, data.dataset, opts);
    data.statsCache?.put(key, stats);
    return stats;
  };
  const change = async (i: number, calibrated: Calibrated | null) => {
    weights[i] = { ...weights[i]!, values: await update(i, calibrated) };
    loaded?.dispose();
    loaded = null;
    await ctx.tick(options.phase, weights[i]!.name);
  };
  try {
    // Which tensors the statistics cover, and the order of their layers (or ops) in the model.
    const targets = new Map<number, CaptureTarget>();
    const order = new Map<number, number>();
    for (const i of indices) {
      const w = model.weights[i]!;
      const t = nodes ? graphTargetFor(w, nodes, options.gram ? MAX_OBS_INPUTS : null) : targetFor(w, loaded as tf.LayersModel, options.gram, model.weights);
      if (typeof t === 'string') warnings.push({ code: 'note', message: `'${w.name}' used "${options.fallback}", not "${options.method}": ${t}.`, weight: w.name });
      else {
        targets.set(i, t);
        order.set(i, nodeOrder ? nodeOrder.get(t.layer)! : (loaded as tf.LayersModel).layers.findIndex((l) => l.name === t.layer));
      }
    }
    const covered = [...targets.keys()].sort((a, b) => order.get(a)! - order.get(b)! || a - b);
    // One pass: every layer's statistics from the model as the step found it, before anything changes.
    const onePass = options.sequential ? null : await capture(covered.map((i) => targets.get(i)!));
    for (const i of indices) if (!targets.has(i)) await change(i, null);
    for (const i of covered) {
      const t = targets.get(i)!;
      const stats = onePass ?? (await capture([t]));
      await change(i, { target: t, stats: stats.get(t.weight)! });
    }
  } finally {
    loaded?.dispose();
  }
  return { weights, warnings };
}
