/**
 * The pipeline runner: applies a recipe's steps in order to a working model made from the opened model, stores
 * every weight (by the quantize step, or as the input stored it when there is none) and returns the variant. The
 * opened model is never modified.
 *
 * Each step is a function `(working model, context) -> working model`. Inputs are already decoded
 * (WeightEntry.values is float32 for quantized inputs), so every step sees the values the source model really
 * computes with. The same model, recipe and data on the same backend give the same bytes.
 */
import { PareError } from '../errors';
import type { OpenedModel } from '../model/types';
import { progressCounter, type StepContext } from './run/context';
import { finetuneUnits, runFinetune } from './run/finetune';
import { variantOf } from './run/finish';
import { runFuse } from './run/fuse';
import { pruneUnits, runPrune } from './run/prune';
import { pruneChannelsUnits, runPruneChannels } from './run/prune-channels';
import { quantizeUnits, runQuantize } from './run/quantize';
import { retargetUnits, runRetarget } from './run/retarget';
import { recipeHash, type DataRole, type Recipe, type Step } from './schema';
import type { AppliedWith, ApplyOptions, Variant } from './variant';
import { workingModelOf, type WorkingModel } from './working-model';

/** `next`: the step after this one, if any (a prune step followed by storage codes as it selects). */
type Runner = (model: WorkingModel, step: Step, ctx: StepContext, next?: Step) => Promise<WorkingModel>;

/** A runner for every step kind: the type makes a new kind without one a build error. */
const RUNNERS: Record<Step['step'], Runner> = {
  prune: (m, s, ctx, next) => runPrune(m, s as Extract<Step, { step: 'prune' }>, ctx, next?.step === 'quantize' ? next : undefined),
  // The working model a step gets is applyRecipe's own and dropped after the step: storage may let go of its arrays.
  quantize: (m, s, ctx) => runQuantize(m, s as Extract<Step, { step: 'quantize' }>, ctx, true),
  finetune: (m, s, ctx) => runFinetune(m, s as Extract<Step, { step: 'finetune' }>, ctx),
  fuse: (m, s, ctx) => runFuse(m, s as Extract<Step, { step: 'fuse' }>, ctx),
  retarget: (m, s, ctx) => runRetarget(m, s as Extract<Step, { step: 'retarget' }>, ctx),
  'prune-channels': (m, s, ctx) => runPruneChannels(m, s as Extract<Step, { step: 'prune-channels' }>, ctx),
};

/** Steps after which the model has other tensors (or other shapes), so the later steps' units are counted again. */
const RESHAPING = new Set<Step['step']>(['fuse', 'retarget', 'prune-channels']);

function unitsOf(model: WorkingModel, step: Step, options: ApplyOptions, afterRetarget: boolean): number {
  if (step.step === 'retarget') return retargetUnits(step, options.data?.training);
  // After a retarget the weights are not known yet: an estimate on the source's, and its rules are checked later.
  if (afterRetarget) {
    try {
      return unitsOf(model, step, options, false);
    } catch {
      return 1;
    }
  }
  if (step.step === 'prune') return pruneUnits(model, step);
  if (step.step === 'quantize') return quantizeUnits(model, step);
  if (step.step === 'finetune') return finetuneUnits(step);
  if (step.step === 'prune-channels') return pruneChannelsUnits(step);
  return 1;
}

/** Data roles the steps name, each checked against what was given, before any work starts. */
function dataFor(recipe: Recipe, options: ApplyOptions): AppliedWith['data'] {
  const used: AppliedWith['data'] = {};
  recipe.steps.forEach((s, i) => {
    const role = (s as { data?: DataRole }).data;
    if (!role) return;
    const given = options.data?.[role];
    if (!given) {
      throw new PareError(
        'missing-data',
        `recipe.steps[${i}] ('${s.step}') needs the ${role} data set, and none was given: open data in the studio, or pass --data to pare optimize.`,
      );
    }
    used[role] = given.fingerprint;
  });
  // Held-out data picks a training step's checkpoint, so it shapes the result too.
  if (options.data?.validation && recipe.steps.some((s) => s.step === 'finetune')) used.validation = options.data.validation.fingerprint;
  return used;
}

/**
 * Applies `recipe` to `model` and returns the variant: its topology, every weight in order with its decoded values
 * and the bytes it will be stored as, statistics and warnings. Weights the recipe leaves alone share their arrays
 * with the model. Reports progress in units of work; checks `signal` between tensors and throws
 * PareError('cancelled') when it is aborted.
 * @example
 *   const variant = await applyRecipe(model, parseRecipe({ pare: 'recipe', version: 2, steps: [
 *     { step: 'prune', sparsity: 0.5 }, { step: 'quantize', default: 'uint8' }] }),
 *     { onProgress: (p) => console.log(p.done, p.total) });
 */
export async function applyRecipe(model: OpenedModel, recipe: Recipe, options: ApplyOptions = {}): Promise<Variant> {
  const data = dataFor(recipe, options);
  let working = workingModelOf(model);
  // Storage ends every pipeline: a recipe without a quantize step keeps every tensor as the input stored it.
  const hasQuantize = recipe.steps.some((s) => s.step === 'quantize');
  const retargets = recipe.steps[0]?.step === 'retarget';
  const total = recipe.steps.reduce((n, s, i) => n + unitsOf(working, s, options, retargets && i > 0), 0) + (hasQuantize ? 0 : quantizeUnits(working));
  const progress = progressCounter(total, options.signal, options.onProgress);
  let ranOn: string | null = null;
  const context = (where: string): StepContext => ({
    where,
    data: options.data ?? {},
    checkAbort: progress.checkAbort,
    tick: progress.tick,
    pause: progress.pause,
    noteModelRun: (backend) => (ranOn = backend),
    training: { signal: options.signal, stop: options.stopTraining, onProgress: options.onTraining && ((p) => options.onTraining!(p, where)) },
  });
  progress.checkAbort();
  for (let i = 0; i < recipe.steps.length; i++) {
    const step = recipe.steps[i]!;
    working = await RUNNERS[step.step](working, step, context(`recipe.steps[${i}]`), recipe.steps[i + 1]);
    if (RESHAPING.has(step.step)) {
      // The model the later steps work on is known only now: count their units on it.
      const rest = recipe.steps.slice(i + 1).reduce((n, s) => n + unitsOf(working, s, options, false), 0);
      progress.resize(progress.done() + rest + (hasQuantize ? 0 : quantizeUnits(working)));
    }
  }
  if (!hasQuantize) working = await runQuantize(working, undefined, context('recipe'), true);
  progress.checkAbort();
  // Only steps that run the model depend on the backend; pruning and storage alone are the same everywhere.
  return variantOf(working, recipeHash(recipe), { data, backend: ranOn });
}
