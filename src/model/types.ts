/**
 * The in-memory model shared by every part of the core. A reader in `formats/` produces an `OpenedModel` once;
 * nothing mutates it afterwards: transforms make new weight arrays and new artifacts.
 */
import type * as tf from '@tensorflow/tfjs';
import type { PareWarning } from '../errors';

export type ModelFormat = 'layers-model' | 'graph-model';

/** One file the user dropped (or the CLI read). `name` is the path relative to the drop, with '/' separators. */
export interface InputFile {
  name: string;
  data: Uint8Array;
}

/** dtypes a weight has once loaded (what `tf` sees). */
export type WeightDtype = 'float32' | 'int32' | 'bool';
/** How a weight is stored in the shards: its own dtype, or a quantized form the stock loader decodes. */
export type StoredDtype = WeightDtype | 'uint8' | 'uint16' | 'float16';

export interface Quantization {
  dtype: 'uint8' | 'uint16' | 'float16';
  /** value = code * scale + min (affine forms only). */
  scale?: number;
  min?: number;
}

export interface WeightEntry {
  name: string;
  shape: number[];
  dtype: WeightDtype;
  /** The manifest's quantization block, if the input stored this weight quantized. */
  quantization?: Quantization;
  /**
   * Decoded exactly as the stock loader decodes it (float16/uint8/uint16 -> float32). Weights stored as their own
   * dtype are views of the shard bytes; quantized ones are decoded on first read and then kept. Read-only.
   */
  values: Float32Array | Int32Array | Uint8Array;
  /** Bytes this weight occupies in the shards as stored in the input. */
  storedBytes: number;
  /** Layer name (layers models) or node name (graph models) that uses this weight. */
  owner: string;
  /** Layer class ('Dense', 'Conv2D', ...) or op ('MatMul', '_FusedConv2D', 'Const' ...). */
  ownerType: string;
  /** Whether magnitude pruning may touch it (the rule in DESIGN.md, implemented in model/prunable.ts). */
  prunable: boolean;
  /** A batch norm's moving mean or variance: a quantize step's default leaves it as stored (model/prunable.ts). */
  batchNormStatistic?: boolean;
}

export interface TensorInfo {
  name: string;
  /** null for a dimension of any size (the batch, usually). */
  shape: (number | null)[];
  dtype: string;
  /** True when the shape could not be worked out from the model file alone; `shape` is then []. */
  shapeUnknown?: boolean;
}

export interface OpenedModel {
  format: ModelFormat;
  /** Id of the reader that opened it: 'tfjs-layers', 'tfjs-graph', 'teachable-machine'. */
  reader: string;
  /** The model.json's path among the input files. */
  modelJsonName: string;
  /**
   * What the model is best called, from the drop: its folder ('mymodel'), the zip it came in ('emotion' for
   * emotion.zip), or its JSON's name when that is not plain 'model.json' ('blazeface'). Absent when none says.
   */
  sourceName?: string;
  modelJsonBytes: number;
  /** The original artifacts with weightData as one ArrayBuffer, ready for tf.io.fromMemory. Never mutated. */
  artifacts: tf.io.ModelArtifacts;
  /** Weights in manifest order. */
  weights: WeightEntry[];
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  /** Class labels, when the model carries them (Teachable Machine metadata.json, Pare's own metadata). */
  labels?: string[];
  warnings: PareWarning[];
}

/** What the UI and `pare inspect --json` see: the model without its weight values. */
export interface WeightInfo {
  name: string;
  shape: number[];
  dtype: WeightDtype;
  quantization: Quantization | null;
  params: number;
  bytes: number;
  owner: string;
  ownerType: string;
  prunable: boolean;
  batchNormStatistic?: boolean;
}

export interface ModelInventory {
  format: ModelFormat;
  reader: string;
  modelJsonName: string;
  /** What the model is best called, from the drop (OpenedModel.sourceName). */
  sourceName?: string;
  modelJsonBytes: number;
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  /** Total elements over every weight; for layers models this equals `model.countParams()`. */
  params: number;
  /** Total bytes of the weight shards as stored. */
  weightBytes: number;
  weights: WeightInfo[];
  labels?: string[];
  warnings: PareWarning[];
}
