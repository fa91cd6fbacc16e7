/**
 * A variant: the weights a recipe made from a model, each with the bytes it will be stored as. The topology is the
 * model's own (pruning and quantization change values, never shapes), so a variant holds weights only.
 */
import type { PareWarning } from '../errors';
import type { Quantization, StoredDtype, WeightDtype } from '../model/types';
import type { ClipMethod } from './schema';

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

export interface Variant {
  /** recipeHash of the recipe that made it (the cache key, with the model's id). */
  recipeHash: string;
  weights: VariantWeight[];
  stats: VariantStats;
  warnings: PareWarning[];
}

export interface ApplyProgress {
  /** Steps done out of `total` (one per tensor pruned on its own, one for the global threshold, one per tensor stored). */
  done: number;
  total: number;
  phase: 'prune' | 'quantize';
  /** The tensor just handled; absent for the global threshold step. */
  tensor?: string;
}

export interface ApplyOptions {
  signal?: AbortSignal;
  onProgress?: (p: ApplyProgress) => void;
}
