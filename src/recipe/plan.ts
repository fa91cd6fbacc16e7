/**
 * Resolves a recipe against a model's weights: for each tensor, how it is pruned and how it is stored. Pure and
 * cheap (no weight values), so the studio can show what a recipe will touch before applying it.
 */
import type { PareWarning } from '../errors';
import type { Quantization, WeightDtype } from '../model/types';
import { isPattern, matches, ruleFor } from './match';
import type { ClipMethod, Precision, Recipe } from './schema';

/** What the plan needs to know about a weight. `WeightEntry` and `WeightInfo` both fit. */
export interface PlannedTensor {
  name: string;
  dtype: WeightDtype;
  prunable: boolean;
  quantization?: Quantization | null;
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

/**
 * The per-tensor plan of `recipe` over `tensors` (in the given order), with the precedence rules documented in
 * schema.ts. Never throws for rules that match nothing: a recipe may be written for several models; those rules
 * come back as warnings instead.
 */
export function planRecipe(tensors: readonly PlannedTensor[], recipe: Recipe): RecipePlan {
  const warnings: PareWarning[] = [];
  const plans = tensors.map((t): TensorPlan => {
    let prune: PrunePlan = { mode: 'none' };
    if (t.prunable && t.dtype === 'float32') {
      const rule = ruleFor(t.name, recipe.prune.perTensor);
      if (rule) prune = { mode: 'tensor', sparsity: rule.sparsity, rule: rule.match };
      else if (recipe.prune.sparsity !== undefined) prune = { mode: 'global', sparsity: recipe.prune.sparsity };
      else if (recipe.prune.default !== undefined) prune = { mode: 'tensor', sparsity: recipe.prune.default };
    }
    let store: StorePlan;
    if (t.dtype === 'int32') store = { dtype: 'int32' };
    else if (t.dtype === 'bool') store = { dtype: 'bool' };
    else if (recipe.quantize.skip.some((m) => matches(t.name, m))) store = { dtype: 'float32' };
    else {
      const rule = ruleFor(t.name, recipe.quantize.perTensor);
      store = storeFor(t, rule?.precision ?? recipe.quantize.default, rule?.clip ?? recipe.quantize.clip);
    }
    return { name: t.name, prune, store };
  });

  const byName = new Map(tensors.map((t) => [t.name, t]));
  const unused = (section: string, m: string): void => {
    warnings.push({
      code: 'skipped',
      message: `Recipe rule ${section} "${m}" selects no tensor of this model; it was ignored.`,
    });
  };
  for (const r of recipe.prune.perTensor) {
    if (!isPattern(r.match)) {
      const t = byName.get(r.match);
      if (!t) unused('prune.perTensor', r.match);
      else if (!t.prunable || t.dtype !== 'float32') {
        warnings.push({
          code: 'skipped',
          message: `Recipe rule prune.perTensor "${r.match}" names a tensor that is not prunable (${t.dtype}, not a kernel or weight matrix); it was left unpruned.`,
          weight: r.match,
        });
      }
    } else if (!tensors.some((t) => t.prunable && matches(t.name, r.match))) unused('prune.perTensor', r.match);
  }
  for (const r of recipe.quantize.perTensor) {
    if (!tensors.some((t) => matches(t.name, r.match))) unused('quantize.perTensor', r.match);
  }
  for (const m of recipe.quantize.skip) {
    if (!tensors.some((t) => matches(t.name, m))) unused('quantize.skip', m);
  }
  return { tensors: plans, warnings };
}
