/** The weights panel's histogram: a tensor of the original beside the same tensor in a variant, binned in the worker. */
import type { TensorHistogram } from '../../src/worker/api';
import { studioClient } from './client';
import { studio } from './store';
import { dataBinding, handleOf } from './variant-handles';

/** Bins per histogram: fine enough to see quantization levels at 4 bits and the spike of pruned zeros. */
export const HISTOGRAM_BINS = 80;

/**
 * The histogram of `tensor` in the original and in the entry `entryId` (by its handle; none for the original).
 * `signal` stops it (and a variant build it started).
 */
export async function loadHistogram(entryId: string, tensor: string, signal?: AbortSignal): Promise<TensorHistogram> {
  const s = studio.getState();
  if (!s.model) throw { code: 'bad-options', message: 'No model is open.' };
  const modelId = s.model.id;
  const entry = s.variants.find((v) => v.id === entryId);
  const handle = entry ? await handleOf(modelId, entry, dataBinding(studio.getState())) : null;
  return studioClient().histogram(modelId, handle, tensor, HISTOGRAM_BINS, { signal });
}
