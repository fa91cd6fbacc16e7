/**
 * Applies a recipe to an opened model: prune (only prunable tensors), then choose each tensor's storage, and return
 * the variant's weights exactly as the stock loader will decode them. The model is never modified.
 *
 * Order of work, and why:
 * 1. Inputs are already decoded (WeightEntry.values is float32 for quantized inputs), so pruning and range choice
 *    see the values the source model really computes with.
 * 2. Pruning: tensors with their own target are pruned one by one; the rest share one global threshold.
 * 3. Storage: affine forms use the converter's arithmetic, whose nudged zero point keeps every pruned zero an
 *    exact zero. When the input stored a tensor affine and every value (pruned or not) still lies on the input's
 *    grid {scale, min} with codes that fit the requested bits, that grid is kept: it loses nothing, so
 *    re-quantizing with the same settings changes nothing, not a code nor the last bit of scale or min. (Fresh
 *    min/max quantization of decoded values would not promise that: the decoded min and max are float32
 *    roundings, so a recomputed scale differs in its last bits.)
 */
import { PareError, type PareWarning } from '../errors';
import type { OpenedModel, Quantization, WeightEntry } from '../model/types';
import { bytesOf } from '../bytes';
import { pruneGlobal, pruneTensor } from '../prune';
import { dequantizeAffine, fromFloat16, quantizeAffine, toFloat16 } from '../quantize';
import { planRecipe, type StorePlan, type TensorPlan } from './plan';
import { recipeHash, type Recipe } from './schema';
import type { ApplyOptions, StoredWeight, TensorStats, Variant, VariantWeight } from './variant';

type Values = WeightEntry['values'];


function countZeros(values: Values): number {
  let z = 0;
  for (let i = 0, n = values.length; i < n; i++) if (values[i] === 0) z++;
  return z;
}

/** Stores one tensor's (possibly pruned) values per its plan; returns what the stock loader will see. */
function store(w: WeightEntry, values: Values, plan: StorePlan): { values: Values; stored: StoredWeight } {
  if (plan.dtype === 'int32' || plan.dtype === 'bool' || plan.dtype === 'float32') {
    return { values, stored: { dtype: plan.dtype, bytes: bytesOf(values) } };
  }
  const f32 = values as Float32Array;
  if (plan.dtype === 'float16') {
    const codes = toFloat16(f32);
    return { values: fromFloat16(codes), stored: { dtype: 'float16', quantization: { dtype: 'float16' }, bytes: bytesOf(codes) } };
  }
  // An input stored affine keeps its grid whenever every value still lies on it with codes that fit the requested
  // bits (pruned zeros do: the converter's zero point makes 0 a grid point). That loses nothing, whatever the
  // range method, so re-quantizing with the same settings changes nothing.
  const q = w.quantization;
  const grid = q && q.dtype !== 'float16' && q.scale !== undefined && q.min !== undefined ? { scale: q.scale, min: q.min } : undefined;
  const r = quantizeAffine(f32, plan.bits, { clip: plan.clip, grid });
  const decoded = dequantizeAffine(r.codes, r.scale, r.min);
  const quantization: Quantization = { dtype: r.dtype, scale: r.scale, min: r.min };
  return {
    values: decoded,
    stored: { dtype: r.dtype, quantization, bits: plan.bits, clip: plan.clip, bytes: bytesOf(r.codes) },
  };
}

/** Pruned zeros must survive storage; a failure here is a bug in a kernel, not a user error. */
function checkZerosKept(name: string, before: Values, after: Values): void {
  for (let i = 0, n = before.length; i < n; i++) {
    if (before[i] === 0 && after[i] !== 0) {
      throw new Error(`Internal error: weight '${name}' lost its zero at index ${i} when stored (decoded ${after[i]}).`);
    }
  }
}

/**
 * A global threshold may zero a whole tensor (a layer whose weights are all small), which disconnects the layer:
 * allowed, as the target is exact, but never silent. Tensors that were all zeros already are not reported.
 */
function emptiedWarnings(stats: readonly TensorStats[], weights: readonly WeightEntry[]): PareWarning[] {
  const out: PareWarning[] = [];
  stats.forEach((t, i) => {
    if (!t.prunable || t.params === 0 || t.prunedZeros !== t.params) return;
    if (countZeros(weights[i]!.values) === t.params) return;
    const how = t.pruneMode === 'global' ? 'the global threshold' : `its own target of ${Number(((t.targetSparsity ?? 0) * 100).toFixed(2))}%`;
    out.push({
      code: 'emptied-tensor',
      message: `Pruning emptied '${t.name}': ${how} zeroed all ${t.params.toLocaleString('en-US')} of its weights, so its layer outputs only its bias. Give it its own sparsity, or use the same sparsity in every layer.`,
      weight: t.name,
    });
  });
  return out;
}

/** Lets timers, messages and abort events run during a long apply, without yielding after every tiny tensor. */
function makeYielder(): () => Promise<void> {
  let last = Date.now();
  return async () => {
    if (Date.now() - last < 25) return;
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
    last = Date.now();
  };
}

/**
 * Applies `recipe` to `model` and returns the variant: every weight in manifest order with its decoded values and
 * the bytes it will be stored as, plus sparsity and dtype statistics. The model is never modified (weights the
 * recipe leaves alone share their arrays with it). Reports progress per step; checks `signal` between tensors and
 * throws PareError('cancelled') when it is aborted.
 * @example
 *   const variant = await applyRecipe(model, parseRecipe({ pare: 'recipe', version: 1, prune: { sparsity: 0.5 },
 *     quantize: { default: 'uint8' } }), { onProgress: (p) => console.log(p.done, p.total) });
 */
export async function applyRecipe(model: OpenedModel, recipe: Recipe, options: ApplyOptions = {}): Promise<Variant> {
  const { signal, onProgress } = options;
  const plan = planRecipe(model.weights, recipe);
  const weights = model.weights;
  const globalIdx: number[] = [];
  const tensorIdx: number[] = [];
  plan.tensors.forEach((p, i) => {
    if (p.prune.mode === 'global' && p.prune.sparsity > 0) globalIdx.push(i);
    else if (p.prune.mode === 'tensor' && p.prune.sparsity > 0) tensorIdx.push(i);
  });
  const total = (globalIdx.length ? 1 : 0) + tensorIdx.length + weights.length;
  let done = 0;
  const yieldNow = makeYielder();
  const step = async (phase: 'prune' | 'quantize', tensor?: string): Promise<void> => {
    done++;
    onProgress?.({ done, total, phase, ...(tensor !== undefined ? { tensor } : {}) });
    await yieldNow();
  };
  const checkAbort = (): void => {
    if (signal?.aborted) {
      throw new PareError('cancelled', `Applying the recipe was cancelled after ${done} of ${total} steps.`);
    }
  };

  checkAbort();
  const pruned: Values[] = weights.map((w) => w.values);
  if (globalIdx.length) {
    const sparsity = (plan.tensors[globalIdx[0]!]!.prune as { sparsity: number }).sparsity;
    const r = pruneGlobal(
      globalIdx.map((i) => weights[i]!.values as Float32Array),
      sparsity,
    );
    globalIdx.forEach((i, j) => (pruned[i] = r.values[j]!));
    await step('prune');
  }
  for (const i of tensorIdx) {
    checkAbort();
    const p = plan.tensors[i]!.prune as { sparsity: number };
    pruned[i] = pruneTensor(weights[i]!.values as Float32Array, p.sparsity).values;
    await step('prune', weights[i]!.name);
  }

  const out: VariantWeight[] = [];
  const tensorStats: TensorStats[] = [];
  for (let i = 0; i < weights.length; i++) {
    checkAbort();
    const w = weights[i]!;
    const tp: TensorPlan = plan.tensors[i]!;
    const s = store(w, pruned[i]!, tp.store);
    if (w.dtype === 'float32') checkZerosKept(w.name, pruned[i]!, s.values);
    out.push({ name: w.name, shape: [...w.shape], dtype: w.dtype, values: s.values, stored: s.stored });
    const params = w.values.length;
    const prunedZeros = countZeros(pruned[i]!);
    const zeros = s.values === pruned[i] ? prunedZeros : countZeros(s.values);
    tensorStats.push({
      name: w.name,
      params,
      prunable: w.prunable,
      prunedZeros,
      prunedSparsity: params ? prunedZeros / params : 0,
      zeros,
      sparsity: params ? zeros / params : 0,
      targetSparsity: tp.prune.mode === 'none' ? null : tp.prune.sparsity,
      pruneMode: tp.prune.mode,
      dtype: s.stored.dtype,
      ...(s.stored.bits !== undefined ? { bits: s.stored.bits } : {}),
      bytesBefore: w.storedBytes,
      bytesAfter: s.stored.bytes.byteLength,
    });
    await step('quantize', w.name);
  }
  checkAbort();

  let prunableParams = 0;
  let prunedZeros = 0;
  let finalZeros = 0;
  for (const t of tensorStats) {
    if (!t.prunable) continue;
    prunableParams += t.params;
    prunedZeros += t.prunedZeros;
    finalZeros += t.zeros;
  }
  const warnings: PareWarning[] = [...plan.warnings, ...emptiedWarnings(tensorStats, weights)];
  return {
    recipeHash: recipeHash(recipe),
    weights: out,
    stats: {
      prunableParams,
      prunedSparsity: prunableParams ? prunedZeros / prunableParams : 0,
      sparsity: prunableParams ? finalZeros / prunableParams : 0,
      weightBytesBefore: tensorStats.reduce((n, t) => n + t.bytesBefore, 0),
      weightBytesAfter: tensorStats.reduce((n, t) => n + t.bytesAfter, 0),
      tensors: tensorStats,
    },
    warnings,
  };
}
