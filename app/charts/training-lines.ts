/**
 * The points of the training curves: one per finished epoch (training loss, validation loss, validation accuracy),
 * and the live point of the epoch under way (its running training loss), at a fractional epoch so the line moves
 * while a long epoch trains. Pure, so the chart re-renders only what changed.
 */
import type { EpochRecord } from '../../src/train/types';

/** Where the epoch under way stands: `epoch` fractional (2.5 = half of epoch 3), its running mean loss and accuracy. */
export interface LiveTrainingPoint {
  epoch: number;
  loss: number;
  accuracy: number | null;
}

export interface TrainingPoint {
  /** 0-based at the start of training: epoch 1 ends at x = 1. */
  x: number;
  loss: number | null;
  validationLoss: number | null;
  /** Percent. */
  validationAccuracy: number | null;
  /** The epoch the best checkpoint holds. */
  best: boolean;
  live: boolean;
}

/** The chart's points in epoch order, the live point last (only when it is past the last finished epoch). */
export function trainingPoints(epochs: readonly EpochRecord[], live: LiveTrainingPoint | null): TrainingPoint[] {
  const points: TrainingPoint[] = [...epochs]
    .sort((a, b) => a.epoch - b.epoch)
    .map((e) => ({
      x: e.epoch,
      loss: e.loss,
      validationLoss: e.validationLoss,
      validationAccuracy: e.validationAccuracy === null ? null : e.validationAccuracy * 100,
      best: e.best,
      live: false,
    }));
  const last = points.length ? points[points.length - 1]!.x : 0;
  if (live && live.epoch > last) points.push({ x: live.epoch, loss: live.loss, validationLoss: null, validationAccuracy: null, best: false, live: true });
  return points;
}

/** The epoch of the best checkpoint so far: the last epoch marked best (later bests replace earlier ones). */
export function bestEpochOf(epochs: readonly EpochRecord[]): number | null {
  let best: number | null = null;
  for (const e of epochs) if (e.best && (best === null || e.epoch > best)) best = e.epoch;
  return best;
}
