/**
 * The `prune` step with calibration data: `method: "obs"` (error-compensating, SparseGPT-style) or `"wanda"`
 * (|w| · ‖x‖, no update). The model as it stands before the step runs once over the calibration samples to gather
 * each target layer's input statistics; each tensor is then pruned to its own exact target. Kernels of layers the
 * statistics do not cover (depthwise, separable, nested models) are pruned by magnitude, and a warning names them.
 */
import type * as tf from '@tensorflow/tfjs';
import { captureInputStats, type CaptureTarget } from '../../calibrate/capture';
import { PareError, type PareWarning } from '../../errors';
import { loadTfModel } from '../../model/load-tf';
import { obsPrune, pruneGlobal, pruneTensor, wandaPrune } from '../../prune';
import type { PrunePlan } from '../plan';
import type { PruneStep } from '../steps';
import { workingArtifacts, type WorkingModel, type WorkingWeight } from '../working-model';
import type { StepContext } from './context';

/** Calibration samples used when the step does not say. */
export const DEFAULT_CALIBRATION_SAMPLES = 512;
/** Inputs above this make d² Gram matrices too large to hold (OBS); such layers fall back to magnitude. */
const MAX_OBS_INPUTS = 4096;

type Pair = [number, number];
const pair = (v: unknown, fallback: number): Pair => {
  if (typeof v === 'number') return [v, v];
  if (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number')) return [v[0], v[1]];
  return [fallback, fallback];
};

/** What the statistics can cover: Dense and channels-last Conv2D kernels of top-level layers. Else why not. */
function targetFor(w: WorkingWeight, model: tf.LayersModel, method: 'obs' | 'wanda'): CaptureTarget | string {
  let layer: tf.layers.Layer;
  try {
    layer = model.getLayer(w.owner);
  } catch {
    return `its layer '${w.owner}' is inside a nested model`;
  }
  const dIn = w.shape.slice(0, -1).reduce((a, b) => a * b, 1);
  if (method === 'obs' && dIn > MAX_OBS_INPUTS) return `its ${dIn.toLocaleString('en-US')} inputs make the Gram matrix too large (at most ${MAX_OBS_INPUTS.toLocaleString('en-US')})`;
  const cls = layer.getClassName();
  if (cls === 'Dense' && w.shape.length === 2) return { weight: w.name, layer: w.owner, kind: 'dense', dIn };
  if (cls === 'Conv2D' && w.shape.length === 4) {
    const c = layer.getConfig() as Record<string, unknown>;
    if (c.dataFormat === 'channelsFirst') return 'it is a channels-first convolution';
    return {
      weight: w.name,
      layer: w.owner,
      kind: 'conv2d',
      dIn,
      conv: {
        kernelSize: [w.shape[0]!, w.shape[1]!],
        strides: pair(c.strides, 1),
        dilation: pair(c.dilationRate, 1),
        padding: c.padding === 'same' ? 'same' : 'valid',
      },
    };
  }
  return `${cls} kernels are not covered yet (Dense and Conv2D are)`;
}

/**
 * Each tensor's own target. Tensors under the global target lose as many weights as one magnitude threshold over
 * all of them would remove (so the global count stays exact); the method then picks which weights within each.
 */
function perTensorTargets(model: WorkingModel, prune: PrunePlan[]): Map<number, number> {
  const targets = new Map<number, number>();
  const global = prune.flatMap((p, i) => (p.mode === 'global' && p.sparsity > 0 ? [i] : []));
  if (global.length) {
    const r = pruneGlobal(global.map((i) => model.weights[i]!.values as Float32Array), (prune[global[0]!] as { sparsity: number }).sparsity);
    global.forEach((i, j) => targets.set(i, r.zeros[j]! / model.weights[i]!.values.length));
  }
  prune.forEach((p, i) => p.mode === 'tensor' && p.sparsity > 0 && targets.set(i, p.sparsity));
  return new Map([...targets].sort(([a], [b]) => a - b));
}

export async function runCalibratedPrune(model: WorkingModel, step: PruneStep, prune: PrunePlan[], ctx: StepContext): Promise<{ weights: WorkingWeight[]; warnings: PareWarning[] }> {
  const method = step.method as 'obs' | 'wanda';
  const data = ctx.data.calibration;
  if (!data) throw new PareError('missing-data', `${ctx.where} needs the calibration data set, and none was given.`);
  if (model.format !== 'layers-model') {
    throw new PareError('unsupported', `${ctx.where}.method "${method}" covers layers models today; prune this graph model with "magnitude".`);
  }
  const tfModel = await loadTfModel(workingArtifacts(model), 'layers-model');
  ctx.noteModelRun();
  const warnings: PareWarning[] = [];
  const targets: CaptureTarget[] = [];
  const targetsOf = perTensorTargets(model, prune);
  const todo = [...targetsOf.keys()];
  const targetOf = new Map<number, CaptureTarget>();
  for (const i of todo) {
    const w = model.weights[i]!;
    const t = targetFor(w, tfModel, method);
    if (typeof t === 'string') {
      warnings.push({ code: 'note', message: `'${w.name}' was pruned by magnitude, not "${method}": ${t}.`, weight: w.name });
    } else {
      targets.push(t);
      targetOf.set(i, t);
    }
  }
  let stats;
  try {
    stats = await captureInputStats(tfModel, targets, data.dataset, {
      samples: step.samples ?? DEFAULT_CALIBRATION_SAMPLES,
      gram: method === 'obs',
      checkAbort: ctx.checkAbort,
    });
  } finally {
    tfModel.dispose();
  }
  await ctx.tick('prune');
  const weights = [...model.weights];
  for (const i of todo) {
    ctx.checkAbort();
    const w = model.weights[i]!;
    const sparsity = targetsOf.get(i)!;
    const values = w.values as Float32Array;
    const t = targetOf.get(i);
    const s = t ? stats.get(t.weight)! : null;
    const dOut = w.shape[w.shape.length - 1]!;
    const pruned = !t || !s ? pruneTensor(values, sparsity).values
      : method === 'obs' ? obsPrune(values, t.dIn, dOut, s.gram!, sparsity)
      : wandaPrune(values, t.dIn, dOut, s.sumSquares, sparsity);
    weights[i] = { ...weights[i]!, values: pruned, masked: true };
    await ctx.tick('prune', w.name);
  }
  return { weights, warnings };
}
