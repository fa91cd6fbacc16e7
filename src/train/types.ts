/**
 * The training loop's options, progress and result (see loop.ts). The loop trains a tf.LayersModel in place on the
 * current backend; callers that must stay pure (the finetune step) load a copy of their model to train.
 */
import type * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../evaluate/dataset';
import type { DistillSpec, OutputKind } from './losses';

/** Gradual magnitude pruning during training (see schedule.ts). */
export interface GradualPruning {
  /** The weights pruned together with one global magnitude threshold (LayerVariable originalName). */
  weights: string[];
  from: number;
  to: number;
  /** Fraction of the run's steps by which the target is reached (default 0.75). */
  until?: number;
  /** Steps between updates (default: about 30 updates). */
  every?: number;
}

export interface TrainOptions {
  epochs: number;
  /** Samples per batch. */
  batch: number;
  learningRate: number;
  /** Seeds the validation split and every epoch's shuffle. */
  seed: number;
  /** How the model's output is read (see losses.ts). Default 'probabilities'. */
  output?: OutputKind;
  /** Held-out data: a fraction of the training data (default 0.1), or a data set of its own. 0: none. */
  validation?: number | Dataset;
  /** What chooses the best checkpoint: validation accuracy (default with labels) or loss. */
  monitor?: 'accuracy' | 'loss';
  /** Train only the first `stopAfter` epochs, the schedule (gradual pruning) spanning all `epochs`. */
  stopAfter?: number;
  /** Stop after this many epochs without a better checkpoint (default: never stop early). */
  patience?: number;
  /** 0/1 masks by weight (LayerVariable originalName): a weight at a 0 stays exactly zero through every update. */
  masks?: ReadonlyMap<string, Float32Array>;
  pruning?: GradualPruning;
  /** A teacher whose outputs supervise the student's, read as the same `output` kind. */
  teacher?: { model: Pick<TrainableModel, 'apply'>; spec: DistillSpec };
  /** Checked between batches: training stops, restores the best checkpoint and says it was cancelled. */
  signal?: AbortSignal;
  onProgress?: (p: TrainProgress) => void;
}

export type TrainProgress =
  | {
      kind: 'batch';
      epoch: number;
      epochs: number;
      /** Batches done in this epoch. */
      batch: number;
      batches: number;
      /** Mean training loss and accuracy over this epoch's batches so far (accuracy null without labels). */
      loss: number;
      accuracy: number | null;
      samplesPerSecond: number;
      /** Seconds left for the whole run at the current speed. */
      etaSeconds: number;
      /** Sparsity of the pruned weights now (null without gradual pruning). */
      sparsity: number | null;
    }
  | ({ kind: 'epoch' } & EpochRecord);

export interface EpochRecord {
  /** 1-based. */
  epoch: number;
  loss: number;
  accuracy: number | null;
  validationLoss: number | null;
  validationAccuracy: number | null;
  /** Whether this epoch's weights became the best checkpoint. */
  best: boolean;
  seconds: number;
}

export interface TrainResult {
  history: EpochRecord[];
  /** The epoch (1-based) whose weights the model holds now, or null when no epoch finished. */
  bestEpoch: number | null;
  best: EpochRecord | null;
  /** 'completed', 'early-stop' (patience ran out) or 'cancelled' (the signal; the best checkpoint was kept). */
  stopped: 'completed' | 'early-stop' | 'cancelled';
  /** A sentence for the UI and the CLI saying how training ended and which checkpoint the model holds. */
  summary: string;
  steps: number;
  samplesPerSecond: number;
}

/** A weight the loop reads, trains and checkpoints, as a tf.LayerVariable shows itself. */
export interface TrainableWeight {
  /** The manifest's name for it. */
  originalName: string;
  read(): tf.Tensor;
  write(value: tf.Tensor): void;
  dtype: tf.DataType;
}

/**
 * What the loop trains: a tf.LayersModel, or a graph model made trainable (graph-trainable.ts). `apply` runs it
 * on a batch (`training` turns dropout on, in layers models); `weights` are every weight a checkpoint copies,
 * `trainableWeights` the ones the optimizer moves; `layers` are searched for Dropout layers to seed.
 */
export interface TrainableModel {
  outputs: { shape: (number | null)[] }[];
  apply(x: tf.Tensor, kwargs: { training: boolean }): tf.Tensor | tf.Tensor[] | tf.SymbolicTensor | tf.SymbolicTensor[];
  weights: TrainableWeight[];
  trainableWeights: TrainableWeight[];
  layers: tf.layers.Layer[];
}
