/**
 * The working model, once stored, as a Variant: weights in order with their bytes, and the statistics the studio
 * and the CLI report (sparsity over the prunable tensors before and after storage, bytes before and after).
 */
import type { TensorStats, Variant, VariantWeight } from '../variant';
import type { AppliedWith } from '../variant';
import type { WorkingModel } from '../working-model';
import { shareValues } from '../../model/values-on-first-read';

export function variantOf(model: WorkingModel, recipeHash: string, applied: AppliedWith): Variant {
  const weights: VariantWeight[] = [];
  const tensors: TensorStats[] = [];
  for (const w of model.weights) {
    if (!w.stored || !w.zeros) throw new Error(`Internal error: weight '${w.name}' reached the end of the recipe without being stored.`);
    const weight = { name: w.name, shape: [...w.shape], dtype: w.dtype, stored: w.stored } as VariantWeight;
    shareValues(weight, w); // stored values decode when first read (the CLI never reads them)
    weights.push(weight);
    const params = w.shape.reduce((n, d) => n * d, 1);
    tensors.push({
      name: w.name,
      params,
      prunable: w.prunable,
      prunedZeros: w.zeros.beforeStorage,
      prunedSparsity: params ? w.zeros.beforeStorage / params : 0,
      zeros: w.zeros.stored,
      sparsity: params ? w.zeros.stored / params : 0,
      targetSparsity: w.prune.mode === 'none' ? null : w.prune.sparsity,
      pruneMode: w.prune.mode,
      dtype: w.stored.dtype,
      ...(w.stored.bits !== undefined ? { bits: w.stored.bits } : {}),
      bytesBefore: w.storedBytes,
      bytesAfter: w.stored.bytes.byteLength,
    });
  }
  let prunableParams = 0;
  let prunedZeros = 0;
  let finalZeros = 0;
  for (const t of tensors) {
    if (!t.prunable) continue;
    prunableParams += t.params;
    prunedZeros += t.prunedZeros;
    finalZeros += t.zeros;
  }
  return {
    recipeHash,
    format: model.format,
    modelTopology: model.modelTopology,
    ...(model.signature !== undefined ? { signature: model.signature } : {}),
    applied,
    weights,
    stats: {
      prunableParams,
      prunedSparsity: prunableParams ? prunedZeros / prunableParams : 0,
      sparsity: prunableParams ? finalZeros / prunableParams : 0,
      weightBytesBefore: tensors.reduce((n, t) => n + t.bytesBefore, 0),
      weightBytesAfter: tensors.reduce((n, t) => n + t.bytesAfter, 0),
      tensors,
    },
    warnings: model.warnings,
    ...(model.retarget ? { retarget: model.retarget } : {}),
  };
}
