/**
 * The Recover panel's recipes, pure so the page and the tests agree on them.
 *
 * - `recoverRecipe(controls' recipe, settings)`: the compress controls' recipe with a finetune step placed after
 *   the pruning steps and before storage (quantize, fuse): quantization runs after training, so the zeros training
 *   kept stay exact. With the gradual schedule the finetune step does the pruning itself, from s_i to s_f, so the
 *   one-shot prune steps are left out.
 * - `resumeRecipe(stopped recipe)`: the recipe a stopped run was recorded as ("stopAfter": b), with another
 *   finetune step right after it for the remaining epochs, training from the kept checkpoint with the masks it
 *   left (gradual pruning already reached s_f). Reproducible like any recipe; Adam starts afresh there.
 */
import { parseRecipe, type Recipe, type Step } from '../recipe/schema';
import type { FinetuneStep } from '../recipe/steps';

export interface RecoverSettings {
  epochs: number;
  learningRate: number;
  batch: number;
  /** 'gradual': sparsity rises from `from` to `to` while training (the cubic schedule). */
  schedule: 'none' | 'gradual';
  from: number;
  to: number;
  distill: boolean;
  temperature: number;
  alpha: number;
  seed: number;
}

export function defaultRecoverSettings(sparsity = 0.8): RecoverSettings {
  return { epochs: 3, learningRate: 0.001, batch: 64, schedule: 'none', from: 0.5 * sparsity, to: sparsity, distill: false, temperature: 4, alpha: 0.5, seed: 1 };
}

/** Steps that must see trained weights, and so come after the finetune step. */
const AFTER_TRAINING = new Set<Step['step']>(['quantize', 'fuse']);

function finetuneOf(settings: RecoverSettings): FinetuneStep {
  return {
    step: 'finetune',
    data: 'training',
    epochs: settings.epochs,
    batch: settings.batch,
    learningRate: settings.learningRate,
    seed: settings.seed,
    ...(settings.schedule === 'gradual' ? { sparsity: { from: Math.min(settings.from, settings.to), to: settings.to } } : {}),
    ...(settings.distill ? { distill: { temperature: settings.temperature, alpha: settings.alpha } } : {}),
  };
}

/**
 * The recipe the panel trains.
 * @example recoverRecipe(prune 0.8 · quantize 4-bit, settings) // prune 0.8 · finetune 3 epochs · quantize 4-bit
 */
export function recoverRecipe(controlsRecipe: Recipe, settings: RecoverSettings): Recipe {
  const kept = controlsRecipe.steps.filter((s) => !(settings.schedule === 'gradual' && s.step === 'prune'));
  const at = kept.findIndex((s) => AFTER_TRAINING.has(s.step));
  const steps = at < 0 ? [...kept, finetuneOf(settings)] : [...kept.slice(0, at), finetuneOf(settings), ...kept.slice(at)];
  return parseRecipe({ ...controlsRecipe, steps });
}

/** The stopped finetune step of a recipe a stopped run was recorded as (the last one with stopAfter), or null. */
export function stoppedStepOf(recipe: Recipe): { index: number; step: FinetuneStep; remaining: number } | null {
  for (let i = recipe.steps.length - 1; i >= 0; i--) {
    const s = recipe.steps[i]!;
    if (s.step === 'finetune' && s.stopAfter !== undefined) {
      const remaining = s.epochs - s.stopAfter;
      return remaining > 0 ? { index: i, step: s, remaining } : null;
    }
  }
  return null;
}

/** The recipe that resumes a stopped run for its remaining epochs, or null when nothing remains. */
export function resumeRecipe(stopped: Recipe): Recipe | null {
  const found = stoppedStepOf(stopped);
  if (!found) return null;
  const { stopAfter: _, sparsity: __, epochs: ___, ...same } = found.step;
  const next: FinetuneStep = { ...same, epochs: found.remaining };
  const steps = [...stopped.steps.slice(0, found.index + 1), next, ...stopped.steps.slice(found.index + 1)];
  return parseRecipe({ ...stopped, steps });
}

/** Epochs trained before each finetune step of a recipe, by its `where` ('recipe.steps[2]'), for one epoch axis. */
export function epochOffsets(recipe: Recipe): Record<string, number> {
  const offsets: Record<string, number> = {};
  let before = 0;
  recipe.steps.forEach((s, i) => {
    if (s.step !== 'finetune') return;
    offsets[`recipe.steps[${i}]`] = before;
    before += s.stopAfter ?? s.epochs;
  });
  return offsets;
}

/** Epochs the whole recipe trains (the axis of its curves). */
export function trainedEpochs(recipe: Recipe): number {
  return recipe.steps.reduce((n, s) => n + (s.step === 'finetune' ? (s.stopAfter ?? s.epochs) : 0), 0);
}
