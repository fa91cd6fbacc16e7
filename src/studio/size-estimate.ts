/**
 * A cheap estimate of what a recipe's export will weigh, for the studio's live read-out while a slider moves.
 *
 * - Raw weight bytes are exact: they follow from the plan alone (elements x bytes per stored element).
 * - Gzip bytes are estimated: each tensor contributes a few contiguous chunks of its values, pruned with a
 *   threshold estimated from a strided sample of magnitudes, stored as the plan says (affine codes over the
 *   tensor's full range, float16, float32), and deflated; a chunk's compressed size scales to the whole tensor.
 *   Contiguous chunks keep what deflate feeds on (runs of zeros, repeated codes), which a strided sample loses.
 *   Small tensors are compressed whole, together, as they sit side by side in a shard.
 * - model.json bytes are those of the model.json an export would write, with quantization parameters from each
 *   tensor's min/max (an export's may differ in their last digits).
 *
 * The exact figures come from an export (src/export sizes, gzip level 9), which takes seconds on big models: the
 * estimate takes milliseconds and is always labelled as one.
 */
import { deflateSync } from 'fflate';
import { bytesOf, concatBytes } from '../bytes';
import { buildModelJson } from '../export/model-json';
import type { OpenedModel, WeightEntry } from '../model/types';
import { affineParams, encodeAffine, finiteRange, toFloat16 } from '../quantize';
import { planRecipe, type StorePlan, type TensorPlan } from '../recipe/plan';
import { lastPruneStepOf, recipeHash, type Recipe } from '../recipe/schema';
import type { Variant } from '../recipe/variant';


export interface SizeEstimate {
  /** model.json bytes (estimate). */
  modelJsonBytes: number;
  /** Weight bytes in the shards: exact. */
  weightBytes: number;
  /** Sum of the gzip sizes of the shards (estimate). */
  weightGzipBytes: number;
  /** modelJsonBytes + weightBytes. */
  totalBytes: number;
  /** modelJsonBytes + weightGzipBytes: what a compressing server sends (estimate). */
  totalGzipBytes: number;
  /** Estimated share of zeros among the prunable weights after pruning. */
  sparsity: number;
}

/** Elements of a tensor compressed whole below this size; above it, chunks are compressed and scaled. */
const WHOLE_BELOW = 16384;
/** Chunks taken from a big tensor, elements per chunk at most, and stored bytes of all its chunks together. */
const CHUNKS = 16;
const CHUNK = 2048;
const SAMPLE_BYTES = 32768;
/** Stored bytes sampled over all big tensors together: a model with many big tensors samples each less. */
const TOTAL_SAMPLE_BYTES = 1 << 20;
/** Magnitudes sampled per tensor (strided) for its own threshold, and over all tensors for the global one. */
const TENSOR_SAMPLE = 4096;
const GLOBAL_SAMPLE = 65536;
/** Deflate level of the estimate: 6 is several times faster than 9 and within a percent or two of it here. */
const LEVEL = 6;
/** Gzip's own header and trailer per shard. */
const GZIP_OVERHEAD = 18;
const SHARD_BYTES = 4 * 1024 * 1024;

interface Prepared {
  entry: WeightEntry;
  /** The tensor's finite range (float32 tensors). */
  min: number;
  max: number;
  /** Contiguous chunks of values (or the whole tensor when small). */
  chunks: Float32Array[];
  /** Elements the chunks hold together. */
  /** Sorted magnitudes of a strided sample, for per-tensor thresholds. */
  sortedAbs: Float32Array;
}

const prepared = new WeakMap<object, Prepared[]>();

/** Strided sample of `count` magnitudes (all of them when the tensor is small), sorted ascending. */
function sortedMagnitudes(values: Float32Array, count: number): Float32Array {
  const n = values.length;
  const m = Math.min(n, count);
  const out = new Float32Array(m);
  const stride = n / m;
  for (let i = 0; i < m; i++) out[i] = Math.abs(values[Math.floor(i * stride)]);
  return out.sort();
}

function prepare(model: OpenedModel): Prepared[] {
  const cached = prepared.get(model);
  if (cached) return cached;
  const list = model.weights.map((entry): Prepared => {
    if (entry.dtype !== 'float32') {
      return { entry, min: 0, max: 0, chunks: [], sortedAbs: new Float32Array(0) };
    }
    const values = entry.values as Float32Array;
    const n = values.length;
    const { min, max } = finiteRange(values);
    let chunks: Float32Array[];
    if (n < WHOLE_BELOW) chunks = [values];
    else {
      chunks = [];
      for (let c = 0; c < CHUNKS; c++) {
        const start = Math.floor(((n - CHUNK) * c) / (CHUNKS - 1));
        chunks.push(values.subarray(start, start + CHUNK));
      }
    }
    return { entry, min, max, chunks, sortedAbs: entry.prunable ? sortedMagnitudes(values, TENSOR_SAMPLE) : new Float32Array(0) };
  });
  prepared.set(model, list);
  return list;
}

/** The magnitude below which a share `s` of the sorted sample lies; 0 prunes nothing. */
function thresholdOf(sortedAbs: Float32Array, s: number): number {
  if (s <= 0 || sortedAbs.length === 0) return 0;
  const k = Math.round(s * sortedAbs.length);
  if (k >= sortedAbs.length) return Infinity;
  return sortedAbs[k];
}

/** One shared threshold over the tensors pruned globally: a sample weighted by each tensor's size. */
function globalThreshold(tensors: Prepared[], s: number): number {
  const total = tensors.reduce((n, t) => n + t.entry.values.length, 0);
  if (total === 0 || s <= 0) return 0;
  const stride = Math.max(1, total / GLOBAL_SAMPLE);
  const pooled: number[] = [];
  for (const t of tensors) {
    const values = t.entry.values as Float32Array;
    for (let i = 0; i < values.length; i += stride) pooled.push(Math.abs(values[Math.floor(i)]));
  }
  return thresholdOf(Float32Array.from(pooled).sort(), s);
}

function bytesPerElement(store: StorePlan): number {
  switch (store.dtype) {
    case 'float32':
    case 'int32':
      return 4;
    case 'float16':
    case 'uint16':
      return 2;
    case 'uint8':
    case 'bool':
      return 1;
  }
}

/** A chunk of values, pruned below `threshold`, as the bytes the plan stores. */
function storedBytes(values: Float32Array, threshold: number, store: StorePlan, t: Prepared): Uint8Array {
  let v = values;
  if (threshold > 0) {
    v = new Float32Array(values.length);
    for (let i = 0; i < values.length; i++) v[i] = Math.abs(values[i]) < threshold ? 0 : values[i];
  }
  if (store.dtype === 'float16') return new Uint8Array(toFloat16(v).buffer);
  if (store.dtype === 'uint8' || store.dtype === 'uint16') {
    // Pruning brings zeros into the range; the clipping methods are approximated by min/max.
    const lo = threshold > 0 ? Math.min(t.min, 0) : t.min;
    const hi = threshold > 0 ? Math.max(t.max, 0) : t.max;
    const codes = encodeAffine(v, affineParams(lo, hi, store.bits), false);
    return bytesOf(codes);
  }
  return bytesOf(v);
}

function zerosBelow(sortedAbs: Float32Array, threshold: number): number {
  if (threshold <= 0) return 0;
  let lo = 0;
  let hi = sortedAbs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sortedAbs[mid] < threshold) lo = mid + 1;
    else hi = mid;
  }
  return lo / Math.max(1, sortedAbs.length);
}

/**
 * Estimates the export of `recipe` applied to `model` without applying it. Takes milliseconds; the first call on a
 * model also scans its weights once (ranges, samples), which later calls reuse.
 *
 * @example
 *   const e = estimateSize(model, parseRecipe({ pare: 'recipe', version: 2, steps: [{ step: 'prune', sparsity: 0.5 }] }));
 *   e.weightBytes;      // exact
 *   e.weightGzipBytes;  // estimate
 */
export function estimateSize(model: OpenedModel, recipe: Recipe): SizeEstimate {
  const tensors = prepare(model);
  const plan = planRecipe(model.weights, recipe);
  const global = tensors.filter((_, i) => plan.tensors[i].prune.mode === 'global');
  const globalSparsity = lastPruneStepOf(recipe)?.sparsity ?? 0;
  const sharedThreshold = global.length ? globalThreshold(global, globalSparsity) : 0;

  let weightBytes = 0;
  let gzipOfBig = 0;
  const small: Uint8Array[] = [];
  let prunable = 0;
  let zeros = 0;
  const bigCount = tensors.filter((t) => t.chunks.length > 1).length;
  const sampleBytes = Math.max(4096, Math.min(SAMPLE_BYTES, TOTAL_SAMPLE_BYTES / Math.max(1, bigCount)));
  for (let i = 0; i < tensors.length; i++) {
    const t = tensors[i];
    const p = plan.tensors[i];
    const n = t.entry.values.length;
    const per = bytesPerElement(p.store);
    weightBytes += n * per;
    let threshold = 0;
    if (p.prune.mode === 'global') threshold = sharedThreshold;
    else if (p.prune.mode === 'tensor') threshold = thresholdOf(t.sortedAbs, p.prune.sparsity);
    if (t.entry.prunable && t.entry.dtype === 'float32') {
      prunable += n;
      // Zeros already there count too: the sorted sample holds them.
      zeros += n * Math.max(zerosBelow(t.sortedAbs, threshold), zerosBelow(t.sortedAbs, Number.MIN_VALUE));
    }
    if (t.entry.dtype !== 'float32') {
      // int32/bool tensors are stored as they are: compress their own bytes.
      const v = t.entry.values;
      small.push(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
      continue;
    }
    if (t.chunks.length === 1 && t.chunks[0].length === n) {
      small.push(storedBytes(t.chunks[0], threshold, p.store, t));
      continue;
    }
    // One deflate over the tensor's chunks side by side: one block header, as in the real shard.
    const take = Math.min(CHUNK, Math.floor(sampleBytes / (CHUNKS * per)));
    const parts = t.chunks.map((c) => storedBytes(c.subarray(0, take), threshold, p.store, t));
    gzipOfBig += (deflateSync(concatBytes(parts), { level: LEVEL }).byteLength * n) / (take * parts.length);
  }
  const joined = concatBytes(small);
  const gzipOfSmall = joined.byteLength ? deflateSync(joined, { level: LEVEL }).byteLength : 0;
  const shards = Math.max(1, Math.ceil(weightBytes / SHARD_BYTES));
  const weightGzipBytes = Math.round(gzipOfBig + gzipOfSmall + shards * GZIP_OVERHEAD);

  const modelJsonBytes = modelJsonSize(model, tensors, plan.tensors, recipe, shards);
  return {
    modelJsonBytes,
    weightBytes,
    weightGzipBytes,
    totalBytes: modelJsonBytes + weightBytes,
    totalGzipBytes: modelJsonBytes + weightGzipBytes,
    sparsity: prunable ? zeros / prunable : 0,
  };
}

/**
 * The length of the model.json an export would write: the export's own writer over stand-in weights that carry
 * each tensor's stored dtype and quantization parameters from its min/max. Falls back to the source's length for
 * models the writer refuses (binary topologies), whose export fails anyway.
 */
function modelJsonSize(model: OpenedModel, tensors: Prepared[], plans: TensorPlan[], recipe: Recipe, shards: number): number {
  const weights = tensors.map((t, i) => {
    const store = plans[i].store;
    const w = t.entry;
    let quantization: Variant['weights'][number]['stored']['quantization'];
    if (store.dtype === 'float16') quantization = { dtype: 'float16' };
    else if (store.dtype === 'uint8' || store.dtype === 'uint16') {
      const q = affineParams(Math.min(t.min, 0), Math.max(t.max, 0), store.bits);
      quantization = { dtype: store.dtype, scale: q.scale, min: q.min };
    }
    return {
      name: w.name,
      shape: w.shape,
      dtype: w.dtype,
      values: w.values,
      stored: { dtype: store.dtype, bytes: new Uint8Array(0), ...(quantization ? { quantization } : {}) },
    };
  });
  // The estimate covers recipes that keep the topology (prune and quantize), so the source's stands in.
  const variant = {
    recipeHash: recipeHash(recipe),
    format: model.format,
    modelTopology: model.artifacts.modelTopology,
    applied: { data: {}, backend: null },
    weights,
    stats: { sparsity: 0.5 },
    warnings: [],
  } as unknown as Variant;
  const paths = Array.from({ length: shards }, (_, i) => `group1-shard${i + 1}of${shards}.bin`);
  try {
    return new TextEncoder().encode(JSON.stringify(buildModelJson(model, variant, recipe, paths))).byteLength;
  } catch {
    return model.modelJsonBytes;
  }
}
