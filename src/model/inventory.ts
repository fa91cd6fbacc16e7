/**
 * The inventory the UI and `pare inspect` show: the opened model without its weight values.
 */
import type { ModelInventory, OpenedModel, WeightInfo } from './types';

/**
 * Summarises an opened model: inputs, outputs, total parameters (for layers models equal to stock
 * `model.countParams()`), total stored weight bytes (the shards' size), and one row per weight.
 *
 * @example
 *   const inv = inventoryOf(await openModel(files));
 *   inv.params; // 2619461
 */
export function inventoryOf(model: OpenedModel): ModelInventory {
  const weights: WeightInfo[] = model.weights.map((w) => ({
    name: w.name,
    shape: [...w.shape],
    dtype: w.dtype,
    quantization: w.quantization ? { ...w.quantization } : null,
    params: w.shape.reduce((n, d) => n * d, 1), // not values.length: reading values decodes a quantized weight
    bytes: w.storedBytes,
    owner: w.owner,
    ownerType: w.ownerType,
    prunable: w.prunable,
    ...(w.batchNormStatistic ? { batchNormStatistic: true } : {}),
  }));
  return {
    format: model.format,
    reader: model.reader,
    modelJsonName: model.modelJsonName,
    ...(model.sourceName ? { sourceName: model.sourceName } : {}),
    modelJsonBytes: model.modelJsonBytes,
    inputs: model.inputs.map((t) => ({ ...t, shape: [...t.shape] })),
    outputs: model.outputs.map((t) => ({ ...t, shape: [...t.shape] })),
    params: weights.reduce((sum, w) => sum + w.params, 0),
    weightBytes: weights.reduce((sum, w) => sum + w.bytes, 0),
    weights,
    ...(model.labels ? { labels: [...model.labels] } : {}),
    warnings: model.warnings.map((w) => ({ ...w })),
  };
}
