/**
 * The `prune` step: magnitude pruning to exact targets. Tensors with their own target are pruned one by one; the
 * rest share one global threshold. Zeros already there count toward a target, so pruning a pruned tensor again
 * to a higher target only adds zeros, and every zero (pruned earlier or now) stays in the mask.
 */
import type { PareWarning } from '../../errors';
import { pruneTensor, selectGlobal, type PruneSelection } from '../../prune';
import { copySharingValues, valuesOnFirstRead } from '../../model/values-on-first-read';
import { quantizePrunedAffine, type PrunedAffine, type PrunedAffineOffer } from '../../quantize/pruned-affine';
import { planPrune, type PrunePlan } from '../plan';
import type { PruneStep, QuantizeStep } from '../steps';
import type { WorkingModel, WorkingWeight } from '../working-model';
import { runCalibratedPrune } from './calibrated-prune';
import type { StepContext } from './context';
import { allZeros } from '../../prune/zeros';
import { formatTarget } from '../../text/wording';
import { noteRange } from '../../model/known-ranges';
import { selectAndCode } from '../../quantize/coded-selection';
import { offeredBits } from './quantize';

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
function emptiedWarning(before: WorkingWeight, how: string): PareWarning {
  return {
    code: 'emptied-tensor',
    message: `Pruning emptied '${before.name}': ${how} zeroed all ${before.values.length.toLocaleString('en-US')} of its weights, so its layer outputs only its bias. Give it its own sparsity, or use the same sparsity in every layer.`,
    weight: before.name,
  };
}

/** The warnings for tensors this step emptied, in tensor order; `emptied(i)` says whether tensor i is all zeros now. */
function emptiedWarnings(before: WorkingModel, prune: PrunePlan[], calibrated: boolean, emptied: (i: number) => boolean): PareWarning[] {
  return prune.flatMap((p, i) => {
    if (p.mode === 'none' || p.sparsity <= 0) return [];
    const source = before.weights[i]!;
    if (source.values.length === 0 || !emptied(i) || allZeros(source.values as Float32Array)) return [];
    const global = calibrated ? 'its share of the global target' : 'the global threshold';
    return [emptiedWarning(source, p.mode === 'global' ? global : `its own target of ${formatTarget(p.sparsity)}`)];
  });
}

/**
 * @param next the quantize step that comes straight after this one, if one does: the global selection then also
 *   makes the codes it will store (quantize/coded-selection.ts), reading the weights once instead of twice.
 */
export async function runPrune(model: WorkingModel, step: PruneStep, ctx: StepContext, next?: QuantizeStep): Promise<WorkingModel> {
  ctx.checkAbort();
  const { prune, warnings } = planPrune(model.weights, step, `${ctx.where}.perTensor`);
  const calibrated = step.method !== 'magnitude';
  const r = calibrated ? await calibratedPrune(model, step, prune, ctx) : await magnitudePrune(model, prune, ctx, next && offeredBits(model.weights, next));
  const weights = r.weights.map((w, i) => (prune[i]!.mode === 'none' ? w : copySharingValues(w, { prune: prune[i]! })));
  return { ...model, weights, warnings: [...model.warnings, ...warnings, ...r.warnings, ...emptiedWarnings(model, prune, calibrated, r.emptied)] };
}

interface Pruned {
  weights: WorkingWeight[];
  warnings: PareWarning[];
  emptied(i: number): boolean;
}

async function calibratedPrune(model: WorkingModel, step: PruneStep, prune: PrunePlan[], ctx: StepContext): Promise<Pruned> {
  const r = await runCalibratedPrune(model, step, prune, ctx);
  return { ...r, emptied: (i) => allZeros(r.weights[i]!.values as Float32Array) };
}

/**
 * Magnitude pruning: one global threshold for the tensors under it, then each tensor with its own target. The
 * tensors under the global threshold are written when first read: storage reads and lets go of one at a time, so
 * `pare optimize` never holds a pruned copy of every tensor (for 100M parameters, 381 MiB) at once.
 */
async function magnitudePrune(model: WorkingModel, prune: PrunePlan[], ctx: StepContext, storedBits: (number | null)[] | null = null): Promise<Pruned> {
  const weights = [...model.weights];
  const zerosAfter = new Map<number, number>();
  const globalIdx = prune.flatMap((p, i) => (p.mode === 'global' && p.sparsity > 0 ? [i] : []));
  if (globalIdx.length) {
    const sparsity = (prune[globalIdx[0]!] as { sparsity: number }).sparsity;
    const tensors = globalIdx.map((i) => model.weights[i]!.values as Float32Array);
    const bits = storedBits && globalIdx.map((i) => storedBits[i]!);
    const coded = bits?.some((b) => b !== null) ? selectAndCode(tensors, sparsity, bits) : null;
    const selection = coded?.selection ?? selectGlobal(tensors, sparsity);
    globalIdx.forEach((i, j) => {
      weights[i] = prunedOnFirstRead(weights[i]!, selection, j, coded?.coded[j] ?? null);
      zerosAfter.set(i, selection.zeros[j]!);
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
    zerosAfter.set(i, r.zeros);
    await ctx.tick('prune', model.weights[i]!.name);
  }
  return { weights, warnings: [], emptied: (i) => zerosAfter.get(i) === model.weights[i]!.values.length };
}

/**
 * `w` with its pruned values written when first read. A function of its own so that the pending write's closure
 * holds only the selection and the index: a closure inside magnitudePrune would share that function's scope, and
 * with it the list of weights, keeping every tensor written so far alive until the last one is read.
 *
 * Until then it offers storage its affine codes made straight from the source weights (quantize/pruned-affine.ts):
 * the same bytes without the pruned float32 copy, which `pare optimize` would write only to code it and let go.
 * Codes the selection already made (`coded`) are handed over when storage asks for their bits, once.
 */
function prunedOnFirstRead(w: WorkingWeight, selection: PruneSelection, j: number, coded: PrunedAffine | null): WorkingWeight {
  const source = w.values as Float32Array;
  const weight = copySharingValues(w, { masked: true });
  let precoded = coded;
  const offer: PrunedAffineOffer = {
    quantizeAffine: (bits) => {
      const made = precoded;
      precoded = null;
      if (made?.bits === bits) return made;
      const plan = selection.plan(j);
      return plan && quantizePrunedAffine(source, plan, bits);
    },
  };
  valuesOnFirstRead(
    weight,
    () => {
      const { values, range } = selection.write(j);
      noteRange(values, range);
      return values;
    },
    offer,
  );
  return weight;
}
