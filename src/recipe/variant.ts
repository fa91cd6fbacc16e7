/**
 * A variant: what a recipe made from a model. Its topology (the source's, or a reshaped one when a step changed
 * shapes) and its weights, each with the bytes it will be stored as; statistics; and what it was made with.
 */
import type * as tf from '@tensorflow/tfjs';
import type { PareWarning } from '../errors';
import type { ModelFormat, Quantization, StoredDtype, WeightDtype } from '../model/types';
import type { RecipeData } from './run/context';
import type { TrainProgress } from '../train/types';
import type { ClipMethod, DataRole, StepKind } from './schema';

export interface StoredWeight {
  /** The dtype of the bytes in the shard: the weight's own, or the quantized form. */
  dtype: StoredDtype;
  /** The manifest's quantization block (absent for float32/int32/bool). */
  quantization?: Quantization;
  /** Levels actually allowed for affine forms (8 or 16, or 2..7 for low-bit codes stored as uint8). */
  bits?: number;
  clip?: ClipMethod;
  /** Exactly the bytes written to the shard, little-endian. Read-only. */
  bytes: Uint8Array;
}

export interface VariantWeight {
  name: string;
  shape: number[];
  /** The dtype TF.js sees after loading (quantized float32 weights are still 'float32'). */
  dtype: WeightDtype;
  /**
   * The values exactly as the stock loader will decode them from `stored`. Read-only: arrays of weights the recipe
   * did not change may be shared with the source model.
   */
  values: Float32Array | Int32Array | Uint8Array;
  stored: StoredWeight;
}

export interface TensorStats {
  name: string;
  params: number;
  prunable: boolean;
  /** Exact zeros right after pruning (before storage), counting zeros already there; and as a fraction of params. */
  prunedZeros: number;
  prunedSparsity: number;
  /** Exact zeros in the final decoded values (storage keeps every zero and may round tiny values to zero). */
  zeros: number;
  sparsity: number;
  /** The recipe's target for this tensor; null when it was not pruned. */
  targetSparsity: number | null;
  /** How it was pruned: alone to its own target, or as part of the one global threshold (whose target is overall). */
  pruneMode: 'none' | 'global' | 'tensor';
  dtype: StoredDtype;
  bits?: number;
  /** Bytes in the shards, input and variant. */
  bytesBefore: number;
  bytesAfter: number;
}

export interface VariantStats {
  /** Elements over the prunable tensors, and the fractions of zeros among them (see TensorStats). */
  prunableParams: number;
  prunedSparsity: number;
  sparsity: number;
  weightBytesBefore: number;
  weightBytesAfter: number;
  tensors: TensorStats[];
}

/** What a recipe was applied with, beside the recipe itself: recorded in the export. */
export interface AppliedWith {
  /** Fingerprint of each data set a step used, by role (only the roles some step named). */
  data: Partial<Record<DataRole, string>>;
  /** The TF.js backend the steps that run the model used; null when no step ran the model. */
  backend: string | null;
}

/** What a `retarget` step made: the new classes and how the head was trained (recorded in the export). */
export interface RetargetRecord {
  /** Class names in output order. */
  labels: string[];
  /** Where they came from: folder names, a labels file, the data's own labels. */
  classSource: string;
  /** The layer the head reads, and its output shape. */
  cut: { layer: string; shape: (number | null)[] };
  /** How the training images were made into inputs (the backbone's preprocessing): what apps must feed. */
  preprocessing: { height: number; width: number; channels: number; scale: unknown } | null;
  /** Hidden ReLU units of the head (0: a softmax on the features). */
  hidden: number;
  trainSamples: number;
  /** The epoch kept and its accuracy on the held-apart samples (null without any). */
  validation: { samples: number; accuracy: number; loss: number; bestEpoch: number } | null;
  /** Per epoch: training loss, validation loss and accuracy. */
  history: { epoch: number; loss: number; validationLoss: number | null; validationAccuracy: number | null }[];
  /**
   * When the step unfroze the top of the backbone: which layers, whether the result was kept, the validation
   * accuracy before and after, and the history of that phase.
   */
  unfrozen?: { layers: string[]; kept: boolean; before: number | null; after: number | null; history: RetargetRecord['history'] };
}

export interface Variant {
  /** recipeHash of the recipe that made it (the cache key, with the model's id). */
  recipeHash: string;
  format: ModelFormat;
  /** The topology the export writes. */
  modelTopology: tf.io.ModelArtifacts['modelTopology'];
  /** The signature the export writes when a step made a new graph (else the source's). */
  signature?: tf.io.ModelArtifacts['signature'];
  applied: AppliedWith;
  weights: VariantWeight[];
  stats: VariantStats;
  warnings: PareWarning[];
  /** Present when a `retarget` step gave the model new classes. */
  retarget?: RetargetRecord;
}

export interface ApplyProgress {
  /**
   * Units of work done out of `total`, over the whole recipe: for `prune`, one per tensor pruned on its own and
   * one for the global threshold; for `quantize`, one per tensor stored.
   */
  done: number;
  total: number;
  /** The kind of step at work. */
  phase: StepKind;
  /** The tensor just handled; absent for the global threshold step. */
  tensor?: string;
}

export interface ApplyOptions {
  signal?: AbortSignal;
  onProgress?: (p: ApplyProgress) => void;
  /** Data sets by role, for steps that name one (`"data": "calibration"`); a step whose role is missing fails. */
  data?: Partial<Record<DataRole, RecipeData>>;
  /** Progress of training steps (loss and accuracy points, samples/s, ETA), with the step's place in the recipe. */
  onTraining?: (p: TrainProgress, where: string) => void;
  /**
   * Ends a training step early without cancelling the recipe: training keeps its best checkpoint, says so in a
   * warning, and the later steps run on it. (`signal` cancels everything.)
   */
  stopTraining?: AbortSignal;
}
