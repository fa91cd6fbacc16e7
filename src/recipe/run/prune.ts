/**
 * The `prune` step: magnitude pruning to exact targets. Tensors with their own target are pruned one by one; the
 * rest share one global threshold. Zeros already there count toward a target, so pruning a pruned tensor again
 * to a higher target only adds zeros, and every zero (pruned earlier or now) stays in the mask.
 */
import type { PareWarning } from '../../errors';
import { pruneGlobal, pruneTensor } from '../../prune';
import { planPrune } from '../plan';
import type { PruneStep } from '../steps';
import type { WorkingModel, WorkingWeight } from '../working-model';
import { runCalibratedPrune } from './calibrated-prune';
import type { StepContext } from './context';
import { countZeros } from '../../prune/zeros';

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
  if (n === 0 || countZeros(after) !== n || countZeros(before.values) === n) return null;
  return {
    code: 'emptied-tensor',
    message: `Pruning emptied '${before.name}': ${how} zeroed all ${n.toLocaleString('en-US')} of its weights, so its layer outputs only its bias. Give it its own sparsity, or use the same sparsity in every layer.`,
    weight: before.name,
  };
}

function percent(s: number): string {
  return `${Number((s * 100).toFixed(2))}%`;
}

export async function runPrune(model: WorkingModel, step: PruneStep, ctx: StepContext): Promise<WorkingModel> {
  ctx.checkAbort();
  const { prune, warnings } = planPrune(model.weights, step, `${ctx.where}.perTensor`);
  if (step.method !== 'magnitude') {
    const r = await runCalibratedPrune(model, step, prune, ctx);
    const weights = r.weights.map((w, i) => ({ ...w, prune: prune[i]!.mode === 'none' ? w.prune : prune[i]! }));
    const emptied = weights.flatMap((w, i) => {
      const p = prune[i]!;
      const how = p.mode === 'global' ? 'its share of the global target' : `its own target of ${percent(p.mode === 'tensor' ? p.sparsity : 0)}`;
      const e = p.mode !== 'none' && p.sparsity > 0 ? emptiedWarning(model.weights[i]!, w.values as Float32Array, how) : null;
      return e ? [e] : [];
    });
    return { ...model, weights, warnings: [...model.warnings, ...warnings, ...r.warnings, ...emptied] };
  }
  const weights = model.weights.map((w, i) => ({ ...w, prune: prune[i]!.mode === 'none' ? w.prune : prune[i]! }));
  const emptied: PareWarning[] = [];
  const globalIdx = prune.flatMap((p, i) => (p.mode === 'global' && p.sparsity > 0 ? [i] : []));
  if (globalIdx.length) {
    const sparsity = (prune[globalIdx[0]!] as { sparsity: number }).sparsity;
    const r = pruneGlobal(globalIdx.map((i) => model.weights[i]!.values as Float32Array), sparsity);
    globalIdx.forEach((i, j) => {
      weights[i] = { ...weights[i]!, values: r.values[j]!, masked: true };
      const w = emptiedWarning(model.weights[i]!, r.values[j]!, 'the global threshold');
      if (w) emptied.push(w);
    });
    await ctx.tick('prune');
  }
  for (let i = 0; i < prune.length; i++) {
    const p = prune[i]!;
    if (p.mode !== 'tensor' || p.sparsity <= 0) continue;
    ctx.checkAbort();
    const values = pruneTensor(model.weights[i]!.values as Float32Array, p.sparsity).values;
    weights[i] = { ...weights[i]!, values, masked: true };
    const w = emptiedWarning(model.weights[i]!, values, `its own target of ${percent(p.sparsity)}`);
    if (w) emptied.push(w);
    await ctx.tick('prune', model.weights[i]!.name);
  }
  // Warnings in tensor order, whichever way each was pruned.
  const order = new Map(model.weights.map((w, i) => [w.name, i]));
  emptied.sort((a, b) => order.get(a.weight!)! - order.get(b.weight!)!);
  return { ...model, weights, warnings: [...model.warnings, ...warnings, ...emptied] };
}
