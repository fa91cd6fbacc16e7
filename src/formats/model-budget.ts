/**
 * Checks on the weights manifest made before any shard byte is joined or decoded: how much memory the model will
 * take once open (refused past the budget, naming the size), and quantization blocks that decode oddly.
 */
import { PareError, bytesText, type PareWarning } from '../errors';
import { quoteName } from '../files/quote';
import type { WeightSpecJson } from './model-json-schema';
import { elementCount, storedByteLength } from './weight-specs';

/**
 * The bytes the model needs in memory: the joined shards, plus a float32 (or int32) copy of every weight stored
 * quantized, which is decoded when it is first read. Plain weights are views of the shards and cost nothing more.
 */
export function openedByteEstimate(specs: readonly WeightSpecJson[]): number {
  let total = 0;
  for (const spec of specs) {
    total += storedByteLength(spec);
    if (spec.quantization) total += elementCount(spec.shape) * 4;
  }
  return total;
}

/**
 * @throws PareError('too-large') with the estimate, the budget and the largest weight, before any allocation
 */
export function checkDecodedSize(specs: readonly WeightSpecJson[], file: string, maxBytes: number): void {
  const need = openedByteEstimate(specs);
  if (need <= maxBytes) return;
  const largest = specs.reduce((a, b) => (storedByteLength(b) > storedByteLength(a) ? b : a));
  throw new PareError(
    'too-large',
    `${quoteName(file)} describes a model that needs about ${bytesText(need)} in memory once open ` +
      `(${specs.length.toLocaleString('en-US')} weights; the largest, ${quoteName(largest.name)}, ${bytesText(storedByteLength(largest))}); ` +
      `Pare opens models of at most ${bytesText(maxBytes)}.`,
    { file, weight: largest.name },
  );
}

/**
 * Affine blocks with a zero or negative scale load in stock TF.js (value = code * scale + min), but a zero scale
 * makes every value `min` and a negative one reverses the order of the codes: no converter writes either.
 */
export function quantizationWarnings(specs: readonly WeightSpecJson[], file: string): PareWarning[] {
  return specs.flatMap((spec) => {
    const q = spec.quantization;
    if (!q || q.dtype === 'float16' || typeof q.scale !== 'number' || q.scale > 0) return [];
    const what = q.scale === 0 ? 'zero, so every value decodes to min' : 'negative, so larger codes decode to smaller values';
    return [
      {
        code: 'bad-quantization' as const,
        message: `Weight ${quoteName(spec.name)} in ${quoteName(file)} is quantized as ${q.dtype} with scale ${q.scale}, which is ${what} (${q.min}); stock TF.js loads it as written, and so does Pare.`,
        file,
        weight: spec.name,
      },
    ];
  });
}
