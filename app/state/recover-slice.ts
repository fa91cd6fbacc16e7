/**
 * The recover slice: the Recover panel's settings as the user edited them (the rest follow the compress controls
 * and the open data), and the training run on screen: its curves, the latest batch, and how it ended.
 */
import type { RecoverSettings } from '../../src/studio/recover-recipe';
import type { EpochRecord } from '../../src/train/types';
import type { Recipe } from '../../src/worker/api';
import type { LiveTrainingPoint } from '../charts/training-lines';

/** What the user changed; unset fields follow the defaults (s_f: the compress controls' sparsity). */
export type RecoverEdits = Partial<RecoverSettings> & {
  /** Samples from the start of the open data that train, and the ones after them that validate. */
  trainSamples?: number;
  validationSamples?: number;
};

export interface TrainingBatch {
  epoch: number;
  loss: number;
  accuracy: number | null;
  samplesPerSecond: number;
  etaSeconds: number;
}

export interface TrainingRunState {
  /** The recipe being trained. */
  recipe: Recipe;
  /** Epochs before each finetune step, by its place ('recipe.steps[1]'), so a resumed run continues the axis. */
  offsets: Record<string, number>;
  totalEpochs: number;
  /** Finished epochs, numbered on the run's one axis. */
  epochs: EpochRecord[];
  live: LiveTrainingPoint | null;
  batch: TrainingBatch | null;
  /** Stop was pressed: training ends after the batch under way, keeping the best checkpoint. */
  stopping: boolean;
  /** How it ended: the variant it made, what the worker said, and the recipe that resumes it (null: nothing to resume). */
  result: { entryId: string; note: string; stopped: boolean; rebuildable: boolean; resume: Recipe | null } | null;
  /** Cancelled or failed: the curves stay, nothing was made. */
  ended: 'cancelled' | 'failed' | null;
}

export interface RecoverSlice {
  recoverEdits: RecoverEdits;
  training: TrainingRunState | null;
}

export function initialRecoverSlice(): RecoverSlice {
  return { recoverEdits: {}, training: null };
}
