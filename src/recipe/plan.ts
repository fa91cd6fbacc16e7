/**
 * Resolves a recipe against a model's weights: for each tensor, how it is pruned and how it is stored. Pure and
 * cheap (no weight values), so the studio can show what a recipe will touch before applying it.
 */
import type { PareWarning } from '../errors';
import type { Quantization, WeightDtype } from '../model/types';
import { isPattern, matches, ruleFor } from './match';
import { lastPruneStepOf, quantizeStepOf, type ClipMethod, type Precision, type PruneStep, type QuantizeStep, type Recipe } from './schema';

/** What the plan needs to know about a weight. `WeightEntry` and `WeightInfo` both fit. */
export interface PlannedTensor {
  name: string;
  dtype: WeightDtype;
  prunable: boolean;
  quantization?: Quantization | null;
  /** A batch norm's moving mean or variance (model/prunable.ts). */
  batchNormStatistic?: boolean;
}

/**
 * Whether a precision quantizes onto an affine grid: what batch-norm statistics are spared from by default, because
 * moving variances in uint8 are a known cause of broken per-tensor models.
 */
function isAffinePrecision(p: Precision): boolean {
  return typeof p === 'object' || p === 'uint8' || p === 'uint16';
}

export type PrunePlan =
  | { mode: 'none' }
  /** Shares one magnitude threshold with every other 'global' tensor. */
  | { mode: 'global'; sparsity: number }
  /** Pruned on its own; `rule` is the perTensor match that chose it, absent for `prune.default`. */
  | { mode: 'tensor'; sparsity: number; rule?: string };

/** How a tensor is stored in the export. Affine forms carry their bits and range method. */
export type StorePlan =
  | { dtype: 'float32' }
  | { dtype: 'int32' }
  | { dtype: 'bool' }
  | { dtype: 'float16' }
  | { dtype: 'uint8'; bits: number; clip: ClipMethod }
  | { dtype: 'uint16'; bits: number; clip: ClipMethod };

export interface TensorPlan {
  name: string;
  prune: PrunePlan;
  store: StorePlan;
}

export interface RecipePlan {
  tensors: TensorPlan[];
  /** Rules that select no tensor, or that name tensors they cannot apply to. */
  warnings: PareWarning[];
}

function storeFor(t: PlannedTensor, precision: Precision, clip: ClipMethod): StorePlan {
  if (typeof precision === 'object') return { dtype: 'uint8', bits: precision.bits, clip };
  switch (precision) {
    case 'none':
      return { dtype: 'float32' };
    case 'float16':
      return { dtype: 'float16' };
    case 'uint8':
      return { dtype: 'uint8', bits: 8, clip };
    case 'uint16':
      return { dtype: 'uint16', bits: 16, clip };
    case 'keep': {
      const q = t.quantization?.dtype;
      if (q === 'uint8') return { dtype: 'uint8', bits: 8, clip };
      if (q === 'uint16') return { dtype: 'uint16', bits: 16, clip };
      if (q === 'float16') return { dtype: 'float16' };
      return { dtype: 'float32' };
    }
  }
}

const KEEP_EVERYTHING: QuantizeStep = {
  step: 'quantize',
  default: 'keep',
  clip: 'minmax',
  perTensor: [],
  skip: [],
  method: 'nearest',
};

function ruleWarnings(tensors: readonly PlannedTensor[], where: string, rules: { match: string }[], usable: (t: PlannedTensor) => boolean): PareWarning[] {
  const warnings: PareWarning[] = [];
  for (const r of rules) {
    if (!tensors.some((t) => usable(t) && matches(t.name, r.match))) {
      warnings.push({ code: 'skipped', message: `Recipe rule ${where} "${r.match}" selects no tensor of this model; it was ignored.` });
    }
  }
  return warnings;
}

/**
 * How one prune step treats each tensor (in the given order), with the precedence rules documented in schema.ts.
 * Never throws for rules that match nothing: a recipe may be written for several models; those come back as
 * warnings instead.
 */
export function planPrune(tensors: readonly PlannedTensor[], step: PruneStep, where = 'prune.perTensor'): { prune: PrunePlan[]; warnings: PareWarning[] } {
  const prune = tensors.map((t): PrunePlan => {
    if (!t.prunable || t.dtype !== 'float32') return { mode: 'none' };
    const rule = ruleFor(t.name, step.perTensor);
    if (rule) return { mode: 'tensor', sparsity: rule.sparsity, rule: rule.match };
    if (step.sparsity !== undefined) return { mode: 'global', sparsity: step.sparsity };
    if (step.default !== undefined) return { mode: 'tensor', sparsity: step.default };
    return { mode: 'none' };
  });
  const warnings: PareWarning[] = [];
  const byName = new Map(tensors.map((t) => [t.name, t]));
  for (const r of step.perTensor) {
    const named = isPattern(r.match) ? undefined : byName.get(r.match);
    if (named && (!named.prunable || named.dtype !== 'float32')) {
      warnings.push({
        code: 'skipped',
        message: `Recipe rule ${where} "${r.match}" names a tensor that is not prunable (${named.dtype}, not a kernel or weight matrix); it was left unpruned.`,
        weight: r.match,
      });
    } else warnings.push(...ruleWarnings(tensors, where, [r], (t) => t.prunable));
  }
  return { prune, warnings };
}

/** How each tensor is stored under a quantize step (or, without one, as the input stored it). */
export function planStore(tensors: readonly PlannedTensor[], step: QuantizeStep = KEEP_EVERYTHING, where = 'quantize'): { store: StorePlan[]; warnings: PareWarning[] } {
  const store = tensors.map((t): StorePlan => {
    if (t.dtype === 'int32') return { dtype: 'int32' };
    if (t.dtype === 'bool') return { dtype: 'bool' };
    if (step.skip.some((m) => matches(t.name, m))) return { dtype: 'float32' };
    const rule = ruleFor(t.name, step.perTensor);
    // Only a rule that names a statistic quantizes it; the step's default leaves it as the input stored it.
    if (!rule && t.batchNormStatistic && isAffinePrecision(step.default)) return storeFor(t, 'keep', step.clip);
    return storeFor(t, rule?.precision ?? step.default, rule?.clip ?? step.clip);
  });
  const spared = tensors.filter((t) => t.batchNormStatistic && !ruleFor(t.name, step.perTensor) && isAffinePrecision(step.default));
  const warnings: PareWarning[] = [];
  if (spared.length > 0) {
    warnings.push({
      code: 'note',
      message: `${spared.length === 1 ? `The batch-norm statistic '${spared[0]!.name}' is` : `${spared.length} batch-norm statistics (moving means and variances) are`} kept as stored, not quantized by ${where}.default: quantized moving variances break many models. Name them in ${where}.perTensor to quantize them anyway.`,
    });
  }
  warnings.push(
    ...ruleWarnings(tensors, `${where}.perTensor`, step.perTensor, () => true),
    ...ruleWarnings(tensors, `${where}.skip`, step.skip.map((match) => ({ match })), () => true),
  );
  return { store, warnings };
}

/**
 * The per-tensor plan of a recipe's pruning and storage, without weight values: what its last prune step and its
 * quantize step do to each tensor. Cheap, for the studio's controls and size estimate; steps that change shapes
 * or values in other ways (training, channel removal) are not part of it.
 */
export function planRecipe(tensors: readonly PlannedTensor[], recipe: Recipe): RecipePlan {
  const pruneStep = lastPruneStepOf(recipe);
  const pruned = pruneStep ? planPrune(tensors, pruneStep) : { prune: tensors.map((): PrunePlan => ({ mode: 'none' })), warnings: [] };
  const stored = planStore(tensors, quantizeStepOf(recipe));
  return {
    tensors: tensors.map((t, i) => ({ name: t.name, prune: pruned.prune[i]!, store: stored.store[i]! })),
    warnings: [...pruned.warnings, ...stored.warnings],
  };
}
