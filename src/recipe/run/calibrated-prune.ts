/**
 * The `prune` step with calibration data: `method: "obs"` (error-compensating, SparseGPT-style, layer by layer on
 * what the earlier layers became) or `"wanda"` (|w| · ‖x‖, no update, from one pass over the calibration samples).
 * Each tensor is pruned to its own exact target. Depthwise kernels are pruned channel by channel, each channel
 * compensated with its own kh*kw Hessian, their scores weighed by the batch norm that follows (layers models).
 * Kernels of layers the statistics do not cover (separable, nested models)
 * are pruned by magnitude, and a warning names them.
 */
import type { PareWarning } from '../../errors';
import { depthwiseObsPruneSteps, depthwiseWandaPrune, obsPruneSteps, pruneTensor, selectGlobal, wandaPrune } from '../../prune';
import { runStepsPausing } from '../../calibrate/steps';
import type { PrunePlan } from '../plan';
import type { PruneStep } from '../steps';
import type { WorkingModel, WorkingWeight } from '../working-model';
import { calibrateEach, DEFAULT_CALIBRATION_SAMPLES } from './calibration';
import type { StepContext } from './context';

/**
 * Each tensor's own target. Tensors under the global target lose as many weights as one magnitude threshold over
 * all of them would remove (so the global count stays exact); the method then picks which weights within each.
 */
function perTensorTargets(model: WorkingModel, prune: PrunePlan[]): Map<number, number> {
  const targets = new Map<number, number>();
  const global = prune.flatMap((p, i) => (p.mode === 'global' && p.sparsity > 0 ? [i] : []));
  if (global.length) {
    // Only the counts: no pruned copy is written.
    const r = selectGlobal(global.map((i) => model.weights[i]!.values as Float32Array), (prune[global[0]!] as { sparsity: number }).sparsity);
    global.forEach((i, j) => targets.set(i, r.zeros[j]! / model.weights[i]!.values.length));
  }
  prune.forEach((p, i) => p.mode === 'tensor' && p.sparsity > 0 && targets.set(i, p.sparsity));
  return new Map([...targets].sort(([a], [b]) => a - b));
}

export async function runCalibratedPrune(model: WorkingModel, step: PruneStep, prune: PrunePlan[], ctx: StepContext): Promise<{ weights: WorkingWeight[]; warnings: PareWarning[] }> {
  const method = step.method as 'obs' | 'wanda';
  const targetsOf = perTensorTargets(model, prune);
  const { weights, warnings } = await calibrateEach(
    model,
    [...targetsOf.keys()],
    // OBS compensates layer by layer on what earlier layers became; Wanda, the cheap option, scores in one pass.
    { phase: 'prune', method, fallback: 'magnitude', gram: method === 'obs', samples: step.samples ?? DEFAULT_CALIBRATION_SAMPLES, sequential: method === 'obs' },
    ctx,
    (i, c) => {
      const w = model.weights[i]!;
      const values = w.values as Float32Array;
      const sparsity = targetsOf.get(i)!;
      const dOut = w.shape[w.shape.length - 1]!;
      if (!c) return pruneTensor(values, sparsity).values;
      if (c.target.kind === 'depthwise') {
        const outputWeights = c.target.outputWeights;
        if (method === 'wanda') return depthwiseWandaPrune(values, w.shape, c.stats.sumSquares, sparsity, outputWeights);
        return runStepsPausing(depthwiseObsPruneSteps(values, w.shape, c.stats.gram!, sparsity, { outputWeights }), ctx.pause);
      }
      if (method === 'wanda') return wandaPrune(values, c.target.dIn, dOut, c.stats.sumSquares, sparsity);
      return runStepsPausing(obsPruneSteps(values, c.target.dIn, dOut, c.stats.gram!, sparsity), ctx.pause);
    },
  );
  for (const i of targetsOf.keys()) weights[i] = { ...weights[i]!, masked: true };
  return { weights, warnings };
}
