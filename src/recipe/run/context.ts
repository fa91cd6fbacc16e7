/**
 * What a step runs with besides the working model: the data sets it names by role, the signal that
 * cancels it, and a progress callback counting the pipeline's units of work.
 */
import { PareError } from '../../errors';
import type { InputStatsCache } from '../../calibrate/stats-cache';
import type { Dataset } from '../../evaluate/dataset';
import type { TrainProgress } from '../../train/types';
import type { DataRole } from '../steps';
import type { ApplyProgress } from '../variant';

/** A data set given to a recipe for one role, with the fingerprint the applied recipe records. */
export interface RecipeData {
  /** Content hash of the files and the preprocessing (see fingerprint.ts). */
  fingerprint: string;
  dataset: Dataset;
  /**
   * Calibration statistics kept between recipes applied with this data (a search's candidates): a calibrated step
   * that finds the model as an earlier recipe did reuses what that one captured, bit for bit.
   */
  statsCache?: InputStatsCache;
}

export interface StepContext {
  /** Where the step sits in the recipe, for messages: 'recipe.steps[1]'. */
  where: string;
  data: Partial<Record<DataRole, RecipeData>>;
  /** Throws PareError('cancelled') when the job was cancelled; steps call it between tensors and batches. */
  checkAbort(): void;
  /** Counts one unit of work done (a tensor, a batch) and lets timers and messages run now and then. */
  tick(phase: ApplyProgress['phase'], tensor?: string): Promise<void>;
  /**
   * Within a long unit (one wide layer's error compensation): throws PareError('cancelled') when the job was
   * cancelled, and lets timers and messages run now and then, without counting work.
   */
  pause(): Promise<void>;
  /** Called by a step that runs the model, with the backend it runs on, so the applied recipe records it. */
  noteModelRun(backend: string): void;
  /** For training steps: the recipe's signal, the signal that only ends training, and training progress. */
  training?: { signal?: AbortSignal; stop?: AbortSignal; onProgress?: (p: TrainProgress) => void };
}

/** Lets timers, messages and abort events run during a long job, without yielding after every tiny tensor. */
function makeYielder(): () => Promise<void> {
  let last = Date.now();
  return async () => {
    if (Date.now() - last < 25) return;
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
    last = Date.now();
  };
}

/** A progress counter over `total` units, shared by every step of one run. */
export function progressCounter(
  initialTotal: number,
  signal: AbortSignal | undefined,
  onProgress: ((p: ApplyProgress) => void) | undefined,
): Pick<StepContext, 'checkAbort' | 'tick' | 'pause'> & { done(): number; resize(total: number): void } {
  let done = 0;
  let total = initialTotal;
  const yieldNow = makeYielder();
  const checkAbort = () => {
    if (signal?.aborted) {
      throw new PareError('cancelled', `Applying the recipe was cancelled after ${done} of ${total} steps.`);
    }
  };
  return {
    done: () => done,
    /** A step that changes the model (fuse, retarget) changes how many units the later steps take. */
    resize(units) {
      total = Math.max(units, done);
    },
    checkAbort,
    async pause() {
      checkAbort();
      await yieldNow();
      checkAbort();
    },
    async tick(phase, tensor) {
      done = Math.min(done + 1, total);
      onProgress?.({ done, total, phase, ...(tensor !== undefined ? { tensor } : {}) });
      await yieldNow();
    },
  };
}
