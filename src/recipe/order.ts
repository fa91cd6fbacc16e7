/**
 * Which orders of steps make sense. Checked once, when a recipe is parsed, so a pipeline never starts work it
 * would have to undo: quantization decides the stored codes, so nothing may change weights after it; a new head
 * (`retarget`) is what the other steps compress, so it comes first; `fuse` folds batch norm into kernels, which
 * channel pruning (batch-norm scales as importance) and training (batch norm as its own layer) still need.
 */
import type { Step, StepKind } from './steps';

/** The first problem with the order of `steps`, as a sentence, or null when the order is fine. */
export function stepOrderProblem(steps: readonly Pick<Step, 'step'>[]): string | null {
  const kinds = steps.map((s) => s.step);
  const at = (i: number) => `recipe.steps[${i}]`;
  for (const once of ['quantize', 'retarget', 'fuse'] as const) {
    const first = kinds.indexOf(once);
    const again = kinds.indexOf(once, first + 1);
    if (first >= 0 && again >= 0) {
      return `${at(again)} is a second '${once}' step (the first is ${at(first)}); a recipe has at most one.`;
    }
  }
  const q = kinds.indexOf('quantize');
  if (q >= 0 && q < kinds.length - 1) {
    return `'quantize' must be the last weight-changing step; found '${kinds[q + 1]}' after it (${at(q + 1)}).`;
  }
  const r = kinds.indexOf('retarget');
  if (r > 0) {
    return `'retarget' must be the first step (it makes the model the other steps compress); found '${kinds[0]}' before it.`;
  }
  const f = kinds.indexOf('fuse');
  if (f >= 0) {
    const needsBatchNorm: StepKind[] = ['prune-channels', 'finetune'];
    const late = kinds.findIndex((k, i) => i > f && needsBatchNorm.includes(k));
    if (late >= 0) {
      return `'${kinds[late]}' must come before 'fuse' (fusing folds the batch norms it works with); found it after (${at(late)}).`;
    }
  }
  return null;
}
