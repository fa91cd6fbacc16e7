/**
 * One training call's run, watched from its progress: which finetune step was training when Stop came and the
 * epochs each step reported; and, when the run ends, the recipe its result can be rebuilt from.
 *
 * A stopped run ends holding the best checkpoint of the step that was training, epoch b. It is recorded as that
 * step with `stopAfter: b` rather than `epochs: b`: the loop is deterministic (seeded shuffles and dropout, Adam
 * from the same start), so training the first b epochs of the same run gives the same weights and picks the same
 * checkpoint (b beat every earlier epoch), while the gradual-pruning schedule keeps spanning all `epochs`, as it
 * did in the stopped run — `epochs: b` would squeeze the schedule and train other weights. Two cases have no such
 * recipe, and the variant is then kept pinned: Stop before any eligible epoch finished (the weights are those of
 * the last step, mid-epoch), and finetune steps after the stopped one (they ran zero steps).
 *
 * Resume (app/state/recover-actions.ts) is a recipe too: the stopped recipe, then another finetune step for the
 * remaining epochs starting from the kept weights. Adam's moments are not carried over, so it is not the run that
 * was never stopped, but it is reproducible from its recipe like every variant.
 */
import type { Recipe } from '../recipe/schema';
import type { EpochRecord, TrainProgress } from '../train/types';

export interface TrainingOutcome {
  /** The recipe the result is reproducible from, or null when none is (see above). */
  recipe: Recipe | null;
  stopped: boolean;
  note: string;
}

const indexOf = (where: string): number | null => {
  const m = /^recipe\.steps\[(\d+)\]$/.exec(where);
  return m ? Number(m[1]) : null;
};

const percent = (x: number) => `${(x * 100).toFixed(1)}%`;

export class TrainingRun {
  private readonly histories = new Map<number, EpochRecord[]>();
  private current: number | null = null;
  private stoppedIn: number | null = null;

  constructor(private readonly recipe: Recipe, stop?: AbortSignal) {
    const firstTraining = recipe.steps.findIndex((s) => s.step === 'finetune');
    const onStop = () => (this.stoppedIn = this.current ?? (firstTraining >= 0 ? firstTraining : null));
    if (stop?.aborted) onStop();
    else stop?.addEventListener('abort', onStop, { once: true });
  }

  /** Feed it every training report of the run. */
  observe(progress: TrainProgress, where: string): void {
    const i = indexOf(where);
    if (i === null) return;
    this.current = i;
    if (progress.kind !== 'epoch') return;
    let history = this.histories.get(i);
    if (!history) this.histories.set(i, (history = []));
    const { kind: _, ...record } = progress;
    history.push(record);
  }

  /** The epochs step `i` reported. */
  historyOf(i: number): readonly EpochRecord[] {
    return this.histories.get(i) ?? [];
  }

  outcome(): TrainingOutcome {
    const i = this.stoppedIn;
    const step = i === null ? undefined : this.recipe.steps[i];
    if (i === null || !step || step.step !== 'finetune') return { recipe: this.recipe, stopped: false, note: 'Training completed.' };
    const planned = step.stopAfter ?? step.epochs;
    const history = this.historyOf(i);
    const later = this.recipe.steps.slice(i + 1).some((s) => s.step === 'finetune');
    // Stop after the last epoch (while storage ran): nothing was cut short.
    if (history.length >= planned && !later) return { recipe: this.recipe, stopped: false, note: 'Training completed before Stop arrived.' };
    let best: EpochRecord | null = null;
    for (const e of history) if (e.best) best = e;
    const where = `Stopped in epoch ${Math.min(history.length + 1, planned)} of ${planned}`;
    if (!best) {
      return { recipe: null, stopped: true, note: `${where}, before an epoch${step.sparsity ? ' after the last pruning update' : ''} finished: the variant holds the weights of the last step, which no recipe rebuilds, so it is kept as it is until the model is closed.` };
    }
    const kept = `kept epoch ${best.epoch}${best.validationAccuracy !== null ? ` (validation accuracy ${percent(best.validationAccuracy)})` : ''}`;
    if (later) {
      return { recipe: null, stopped: true, note: `${where}; ${kept}. The later training steps did not run, so no recipe rebuilds this variant: it is kept as it is until the model is closed.` };
    }
    const recipe: Recipe = { ...this.recipe, steps: this.recipe.steps.map((s, j) => (j === i ? { ...step, stopAfter: best.epoch } : s)) };
    return { recipe, stopped: true, note: `${where}; ${kept}. Recorded as "stopAfter": ${best.epoch}, so the recipe rebuilds it exactly.` };
  }
}
