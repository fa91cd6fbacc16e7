/**
 * The `prune` step: magnitude pruning to exact targets. Tensors with their own target are pruned one by one; the
 * rest share one global threshold. Zeros already there count toward a target, so pruning a pruned tensor again
 * to a higher target only adds zeros, and every zero (pruned earlier or now) stays in the mask.
 */
import type { PareWarning } from '../../errors';
import { pruneGlobal, pruneTensor } from '../../prune';
import { planPrune, type PrunePlan } from '../plan';
import type { PruneStep } from '../steps';
import type { WorkingModel, WorkingWeight } from '../working-model';
import { runCalibratedPrune } from './calibrated-prune';
import type { StepContext } from './context';
import { allZeros } from '../../prune/zeros';
import { formatTarget } from '../../text/wording';
import { noteRange } from './known-ranges';

/** Units of progress the step reports: one for the global threshold, one per tensor pruned on its own. */
export function pruneUnits(model: Pick<WorkingModel, 'weights'>, step: PruneStep): number {
  const { prune } = planPrune(model.weights, step);
  // Calibrated methods: one unit per tensor (each with its pass over the calibration data when sequential).
  if (step.method !== 'magnitude') return prune.filter((p) => p.mode !== 'none' && p.sparsity > 0).length;
  return (prune.some((p) => p.mode === 'global' && p.sparsity > 0) ? 1 : 0) + prune.filter((p) => p.mode === 'tensor' && p.sparsity > 0).length;
}

/**
 * A threshold may zero a whole tensor (a layer whose weights are all small), which disconnects the layer: allowed,
 * as the target is exact, but never silent. Tensors that were all zeros already are not reported.
 */
function emptiedWarning(before: WorkingWeight, after: Float32Array, how: string): PareWarning | null {
  const n = after.length;
  if (n === 0 || !allZeros(after) || allZeros(before.values as Float32Array)) return null;
  return {
    code: 'emptied-tensor',
    message: `Pruning emptied '${before.name}': ${how} zeroed all ${n.toLocaleString('en-US')} of its weights, so its layer outputs only its bias. Give it its own sparsity, or use the same sparsity in every layer.`,
    weight: before.name,
  };
}

/** The warnings for tensors this step emptied, in tensor order. */
function emptiedWarnings(before: WorkingModel, after: WorkingWeight[], prune: PrunePlan[], calibrated: boolean): PareWarning[] {
  return prune.flatMap((p, i) => {
    if (p.mode === 'none' || p.sparsity <= 0) return [];
    const global = calibrated ? 'its share of the global target' : 'the global threshold';
    const how = p.mode === 'global' ? global : `its own target of ${formatTarget(p.sparsity)}`;
    const w = emptiedWarning(before.weights[i]!, after[i]!.values as Float32Array, how);
    return w ? [w] : [];
  });
}

export async function runPrune(model: WorkingModel, step: PruneStep, ctx: StepContext): Promise<WorkingModel> {
  ctx.checkAbort();
  const { prune, warnings } = planPrune(model.weights, step, `${ctx.where}.perTensor`);
  const calibrated = step.method !== 'magnitude';
  const r = calibrated ? await runCalibratedPrune(model, step, prune, ctx) : await magnitudePrune(model, prune, ctx);
  const weights = r.weights.map((w, i) => ({ ...w, prune: prune[i]!.mode === 'none' ? w.prune : prune[i]! }));
  return { ...model, weights, warnings: [...model.warnings, ...warnings, ...r.warnings, ...emptiedWarnings(model, weights, prune, calibrated)] };
}

/** Magnitude pruning: one global threshold for the tensors under it, then each tensor with its own target. */
async function magnitudePrune(model: WorkingModel, prune: PrunePlan[], ctx: StepContext): Promise<{ weights: WorkingWeight[]; warnings: PareWarning[] }> {
  const weights = [...model.weights];
  const globalIdx = prune.flatMap((p, i) => (p.mode === 'global' && p.sparsity > 0 ? [i] : []));
  if (globalIdx.length) {
    const sparsity = (prune[globalIdx[0]!] as { sparsity: number }).sparsity;
    const r = pruneGlobal(globalIdx.map((i) => model.weights[i]!.values as Float32Array), sparsity);
    globalIdx.forEach((i, j) => {
      noteRange(r.values[j]!, r.ranges[j]!);
      weights[i] = { ...weights[i]!, values: r.values[j]!, masked: true };
    });
    await ctx.tick('prune');
  }
  for (let i = 0; i < prune.length; i++) {
    const p = prune[i]!;
    if (p.mode !== 'tensor' || p.sparsity <= 0) continue;
    ctx.checkAbort();
    const r = pruneTensor(model.weights[i]!.values as Float32Array, p.sparsity);
    noteRange(r.values, r.range);
    weights[i] = { ...weights[i]!, values: r.values, masked: true };
    await ctx.tick('prune', model.weights[i]!.name);
  }
  return { weights, warnings: [] };
}
