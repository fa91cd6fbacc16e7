/**
 * The `quantize` step: chooses how each tensor is stored and turns its values into exactly what the stock loader
 * will decode from those bytes. Affine forms use the converter's arithmetic, whose nudged zero point keeps every
 * pruned zero an exact zero.
 *
 * When the input stored a tensor affine and every value (pruned or not) still lies on the input's grid
 * {scale, min} with codes that fit the requested bits, that grid is kept: it loses nothing, so re-quantizing with
 * the same settings changes nothing, not a code nor the last bit of scale or min. (Fresh min/max quantization of
 * decoded values would not promise that: the decoded min and max are float32 roundings, so a recomputed scale
 * differs in its last bits.)
 */
import type { PareWarning } from '../../errors';
import { bytesOf } from '../../bytes';
import type { Quantization } from '../../model/types';
import { dequantizeAffine, fromFloat16, quantizeAffine, toFloat16 } from '../../quantize';
import { gptqCodesSteps } from '../../quantize/gptq';
import { depthwiseGptqCodes } from '../../quantize/gptq-depthwise';
import { equalizeLayers } from '../../quantize/equalize';
import { runStepsPausing } from '../../calibrate/steps';
import { planStore, type StorePlan } from '../plan';
import type { QuantizeStep } from '../steps';
import type { StoredWeight } from '../variant';
import type { WorkingModel, WorkingWeight } from '../working-model';
import { calibrateEach, DEFAULT_CALIBRATION_SAMPLES } from './calibration';
import { biasCorrected, correctBiases } from './quantize-bias';
import type { StepContext } from './context';
import { countZeros, firstLostZero } from '../../prune/zeros';
import { storedZeros } from '../../quantize/stored-zeros';
import { copySharingValues, pendingOffer, valuesOnFirstRead } from '../../model/values-on-first-read';
import type { PrunedAffineOffer } from '../../quantize/pruned-affine';
import { knownRange } from '../../model/known-ranges';

type Values = WorkingWeight['values'];

/**
 * What storing one tensor gives: the stored bytes, and the values the stock loader will see, either as an array or
 * (affine codes) as a decode run on first read, with the zero counts read from the codes.
 */
interface Store {
  values: Values | (() => Values);
  stored: StoredWeight;
  zeros?: { beforeStorage: number; stored: number };
}

/** Stores one tensor's values per its plan; returns what the stock loader will see. */
function store(w: WorkingWeight, plan: StorePlan): Store {
  const offered = plan.dtype === 'uint8' || plan.dtype === 'uint16' ? storeOffered(w, plan) : null;
  if (offered) return offered;
  const values = w.values;
  if (plan.dtype === 'int32' || plan.dtype === 'bool' || plan.dtype === 'float32') {
    return { values, stored: { dtype: plan.dtype, bytes: bytesOf(values) } };
  }
  const f32 = values as Float32Array;
  if (plan.dtype === 'float16') {
    const codes = toFloat16(f32);
    return { values: fromFloat16(codes), stored: { dtype: 'float16', quantization: { dtype: 'float16' }, bytes: bytesOf(codes) } };
  }
  const grid = inputGrid(w);
  // A range the prune step measured on these very values spares quantizeAffine its min/max pass.
  const r = quantizeAffine(f32, plan.bits, { clip: plan.clip, grid, dataRange: knownRange(f32) });
  const quantization: Quantization = { dtype: r.dtype, scale: r.scale, min: r.min };
  const zeros = storedZeros(f32, r.codes, r.scale, r.min);
  if (zeros.firstLost >= 0) lostZero(w.name, zeros.firstLost, dequantizeAffine(r.codes, r.scale, r.min));
  return {
    values: () => dequantizeAffine(r.codes, r.scale, r.min),
    stored: { dtype: r.dtype, quantization, bits: plan.bits, clip: plan.clip, bytes: bytesOf(r.codes) },
    zeros: { beforeStorage: zeros.before, stored: zeros.stored },
  };
}

/**
 * The codes a pending pruned tensor makes from its source weights (quantize/pruned-affine.ts), when storage would
 * quantize its pruned values on their own min/max grid: the same bytes and zero counts, and its values, never
 * written, stay pending. Null for anything else (a clipping method, an input grid that might be kept, values
 * already read, a plan the selection cannot give): the ordinary path then stores it.
 */
function storeOffered(w: WorkingWeight, plan: Extract<StorePlan, { bits: number }>): Store | null {
  if (inputGrid(w)) return null;
  if (plan.clip && plan.clip !== 'minmax') return null;
  const r = pendingOffer<PrunedAffineOffer>(w)?.quantizeAffine(plan.bits);
  if (!r) return null;
  return {
    values: () => dequantizeAffine(r.codes, r.scale, r.min),
    stored: { dtype: r.dtype, quantization: { dtype: r.dtype, scale: r.scale, min: r.min }, bits: plan.bits, clip: plan.clip, bytes: bytesOf(r.codes) },
    zeros: { beforeStorage: r.zerosBefore, stored: r.zerosStored },
  };
}

/**
 * The bits `step` stores each weight at by way of the offer (see storeOffered), null for the rest: what the prune
 * step before it may code while it selects (quantize/coded-selection.ts). Null for the whole model when the step
 * changes the values before storing them (equalization) or chooses codes of its own (GPTQ): codes made earlier
 * would go unused.
 */
export function offeredBits(weights: readonly WorkingWeight[], step: QuantizeStep): (number | null)[] | null {
  if (step.equalize || step.method !== 'nearest') return null;
  const { store: plans } = planStore(weights, step);
  return plans.map((plan, i) => (plan.dtype === 'uint8' && (!plan.clip || plan.clip === 'minmax') && !inputGrid(weights[i]!) ? plan.bits : null));
}

/** The affine grid the input stored `w` on, which `store` keeps when the values still lie on it. */
function inputGrid(w: WorkingWeight): { scale: number; min: number } | undefined {
  const q = w.quantization;
  return q && q.dtype !== 'float16' && q.scale !== undefined && q.min !== undefined ? { scale: q.scale, min: q.min } : undefined;
}

/** Every zero must survive storage; a failure here is a bug in a kernel, not a user error. */
function checkZerosKept(name: string, before: Values, after: Values): void {
  const i = firstLostZero(before as Float32Array, after as Float32Array);
  if (i >= 0) lostZero(name, i, after);
}

function lostZero(name: string, i: number, after: Values): never {
  throw new Error(`Internal error: weight '${name}' lost its zero at index ${i} when stored (decoded ${after[i]}).`);
}

/** One unit of progress per tensor stored, one per tensor "gptq" rounds, and one per kernel whose bias is corrected. */
export function quantizeUnits(model: Pick<WorkingModel, 'weights' | 'format' | 'modelTopology'>, step?: QuantizeStep): number {
  const plans = step ? planStore(model.weights, step).store : [];
  return model.weights.length + (step?.method === 'gptq' ? gptqIndices(model, plans).length : 0) + (step?.biasCorrection ? biasCorrected(model, plans).size : 0);
}

/** The tensors "gptq" rounds: affine-stored kernels (the rest are rounded to the nearest level). */
function gptqIndices(model: Pick<WorkingModel, 'weights'>, plans: StorePlan[]): number[] {
  return plans.flatMap((p, i) => ((p.dtype === 'uint8' || p.dtype === 'uint16') && model.weights[i]!.prunable ? [i] : []));
}

/**
 * GPTQ's codes for the affine kernels the calibration covers, on the grid nearest rounding would choose (an
 * input's own grid kept as `store` keeps it), layer by layer so later layers see what earlier ones became (unless
 * the step says `sequential: false`: then every layer's statistics come from the model as the step found it).
 */
async function gptqStores(model: WorkingModel, plans: StorePlan[], step: QuantizeStep, ctx: StepContext) {
  const stores = new Map<number, Store>();
  const notes: PareWarning[] = [];
  const { warnings } = await calibrateEach(
    model,
    gptqIndices(model, plans),
    { phase: 'quantize', method: 'gptq', fallback: 'nearest', gram: true, samples: step.samples ?? DEFAULT_CALIBRATION_SAMPLES, sequential: step.sequential ?? true },
    ctx,
    async (i, c) => {
      const w = model.weights[i]!;
      const plan = plans[i] as Extract<StorePlan, { bits: number }>;
      const nearest = store(w, plan);
      const q = nearest.stored.quantization!;
      const grid = { scale: q.scale!, min: q.min!, bits: plan.bits };
      const codes = !c
        ? null
        : c.target.kind === 'depthwise'
          ? await depthwiseGptqCodes(w.values as Float32Array, w.shape, c.stats.gram!, grid, ctx.pause)
          : await runStepsPausing(gptqCodesSteps(w.values as Float32Array, c.target.dIn, w.shape[w.shape.length - 1]!, c.stats.gram!, grid), ctx.pause);
      if (c && !codes) notes.push({ code: 'note', message: `'${w.name}' was rounded to the nearest level: its grid has no exact zero for its pruned weights.`, weight: w.name });
      // The next layers calibrate on what this one became, so its values are decoded now either way.
      const values = codes ? dequantizeAffine(codes, q.scale!, q.min!) : typeof nearest.values === 'function' ? nearest.values() : nearest.values;
      const s: Store = codes ? { values, stored: { ...nearest.stored, bytes: bytesOf(codes) } } : { ...nearest, values };
      stores.set(i, s);
      return values;
    },
  );
  return { stores, warnings: [...warnings, ...notes] };
}

/**
 * Stores every weight. `owned`: the caller drops `model` once this returns and shares its weights list with nobody
 * (applyRecipe, whose working models live only between its steps), so each weight's float32 values leave that list
 * as soon as they are stored: the pruned copies of a large model then do not all live until the last tensor is
 * stored (for `pare optimize` on 100M parameters, that peak was a whole float32 copy of the model). Only the list
 * changes; no array is written.
 */
export async function runQuantize(input: WorkingModel, step: QuantizeStep | undefined, ctx: StepContext, owned = false): Promise<WorkingModel> {
  // Equalization first: it changes float values only (the function stays the same), so the grids fit what is stored.
  const equalized = step?.equalize ? equalizeLayers(input) : null;
  const model = equalized?.model ?? input;
  const { store: plans, warnings } = planStore(model.weights, step, ctx.where.replace(/^recipe\./, ''));
  if (equalized) warnings.unshift(...equalized.warnings);
  const gptq = step?.method === 'gptq' ? await gptqStores(model, plans, step, ctx) : null;
  if (gptq) warnings.push(...gptq.warnings);
  const stores = gptq?.stores ?? new Map<number, Store>();
  const storeOf = (i: number): Store => {
    if (!stores.has(i)) stores.set(i, store(model.weights[i]!, plans[i]!));
    return stores.get(i)!;
  };
  const decoded = (s: Store): Values => (typeof s.values === 'function' ? s.values() : s.values);
  const corrected = step?.biasCorrection ? await correctBiases(model, plans, (i) => decoded(storeOf(i)) as Float32Array, step, ctx) : null;
  if (corrected) warnings.push(...corrected.warnings);
  const weights: WorkingWeight[] = [];
  for (let i = 0; i < model.weights.length; i++) {
    ctx.checkAbort();
    const bias = corrected?.biases.get(i);
    const w = bias ? { ...model.weights[i]!, values: bias } : model.weights[i]!;
    const s = bias ? store(w, plans[i]!) : storeOf(i);
    stores.delete(i);
    let zeros = s.zeros;
    if (!zeros) {
      const values = s.values as Values;
      if (w.dtype === 'float32') checkZerosKept(w.name, w.values, values);
      const beforeStorage = countZeros(w.values);
      zeros = { beforeStorage, stored: values === w.values ? beforeStorage : countZeros(values) };
    }
    // Not a spread: that would read w's values, and so write a pending pruned tensor nobody needs.
    const weight = copySharingValues(w, { stored: s.stored, zeros });
    if (typeof s.values === 'function') valuesOnFirstRead(weight, s.values);
    else Object.defineProperty(weight, 'values', { value: s.values, enumerable: true, writable: true, configurable: true });
    weights.push(weight);
    if (owned) (model.weights as (WorkingWeight | undefined)[])[i] = undefined;
    await ctx.tick('quantize', w.name);
  }
  return { ...model, weights, warnings: [...model.warnings, ...warnings] };
}
