/**
 * The working model a recipe's steps pass along: topology, float32 weights, masks, each weight's storage once the
 * quantize step chose it, and warnings. Steps are pure: each returns a new working model (sharing the arrays it
 * did not change) and never writes into the arrays it was given, so the opened model stays untouched.
 */
import type * as tf from '@tensorflow/tfjs';
import { bytesOf, concatBytes } from '../bytes';
import type { PareWarning } from '../errors';
import type { ModelFormat, OpenedModel, WeightEntry } from '../model/types';
import type { PrunePlan } from './plan';
import type { RetargetRecord, StoredWeight } from './variant';

export interface WorkingWeight extends WeightEntry {
  /**
   * True once a step pruned this tensor: its zeros are then its mask, and every later step keeps each of them
   * exactly zero (fine-tuning never revives a pruned weight; storage keeps zeros exact).
   */
  masked: boolean;
  /** How the last prune step treated it (for statistics). */
  prune: PrunePlan;
  /** The bytes the quantize step chose; absent until storage. */
  stored?: StoredWeight;
  /** Exact zeros just before storage and in the stored values (storage may round tiny values to zero). */
  zeros?: { beforeStorage: number; stored: number };
}

export interface WorkingModel {
  /** The model the recipe started from (never mutated). */
  source: OpenedModel;
  format: ModelFormat;
  /** The topology export writes: the source's, or a reshaped one from a step that changes shapes. */
  modelTopology: tf.io.ModelArtifacts['modelTopology'];
  /** A graph model's signature when a step wrote a new graph (the `fuse` step); else the source's is kept. */
  signature?: tf.io.ModelArtifacts['signature'];
  weights: WorkingWeight[];
  warnings: PareWarning[];
  /** Set by `retarget`: the model's new classes (its topology and head weights are already here). */
  retarget?: RetargetRecord;
}

/** The source model as a working model: its own topology and decoded weights, nothing pruned or stored yet. */
export function workingModelOf(model: OpenedModel): WorkingModel {
  return {
    source: model,
    format: model.format,
    modelTopology: model.artifacts.modelTopology,
    weights: model.weights.map((w) => ({ ...w, masked: false, prune: { mode: 'none' } })),
    warnings: [],
  };
}

/**
 * The working model as in-memory artifacts with plain float32/int32/bool weights, for loading into TF.js (steps
 * that run the model: calibration, training). Metadata is the source's; format and signature the working model's.
 */
export function workingArtifacts(model: WorkingModel): tf.io.ModelArtifacts {
  return {
    ...model.source.artifacts,
    format: model.format,
    ...(model.signature !== undefined ? { signature: model.signature } : {}),
    modelTopology: model.modelTopology,
    weightSpecs: model.weights.map((w) => ({ name: w.name, shape: [...w.shape], dtype: w.dtype })),
    weightData: concatBytes(model.weights.map((w) => bytesOf(w.values))).buffer,
  };
}
