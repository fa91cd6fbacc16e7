/**
 * Stored weights as a recipe returns them: affine codes whose float32 values are decoded only when first read, with
 * the zero counts read from the codes; and the opened model untouched although storage lets go of pruned copies.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readInput } from '../../cli/read-input';
import { openModel } from '../../formats';
import type { OpenedModel } from '../../model/types';
import { countZeros } from '../../prune';
import { dequantizeAffine } from '../../quantize';
import { applyRecipe } from '../apply';
import { parseRecipe } from '../schema';

let model: OpenedModel;
const SAMPLE = join(import.meta.dirname, '..', '..', '..', 'public', 'samples', 'fashion-mlp');

beforeAll(async () => {
  model = await openModel(await readInput(SAMPLE));
});

const recipe = (bits: number) =>
  parseRecipe({ pare: 'recipe', version: 2, steps: [{ step: 'prune', sparsity: 0.7 }, { step: 'quantize', default: bits === 8 ? 'uint8' : { bits } }] });

describe('a variant of the sample MLP, pruned and stored affine', () => {
  for (const bits of [8, 3]) {
    it(`${bits} bits: values decode on first read, to exactly what the codes decode to; zero counts match the values`, async () => {
      const before = model.weights.map((w) => Float32Array.from(w.values as Float32Array));
      const variant = await applyRecipe(model, recipe(bits));
      for (const [i, w] of variant.weights.entries()) {
        const q = w.stored.quantization!;
        expect(q.dtype).toBe('uint8');
        // Not decoded yet: the CLI writes the codes and never pays for a float32 copy.
        expect(Object.getOwnPropertyDescriptor(w, 'values')?.get).toBeTypeOf('function');
        const decoded = dequantizeAffine(w.stored.bytes, q.scale!, q.min!);
        expect(Buffer.from((w.values as Float32Array).buffer).equals(Buffer.from(decoded.buffer))).toBe(true);
        expect(w.values).toBe(w.values); // decoded once, then kept
        const t = variant.stats.tensors[i]!;
        expect(t.zeros).toBe(countZeros(w.values));
        expect(t.params).toBe(w.values.length);
      }
      const prunable = variant.stats.tensors.filter((t) => t.prunable);
      const params = prunable.reduce((n, t) => n + t.params, 0);
      expect(prunable.reduce((n, t) => n + t.prunedZeros, 0)).toBe(Math.round(0.7 * params));
      // The opened model is as it was: storage let go of the pruned copies, not of the source's arrays.
      model.weights.forEach((w, i) => expect(Buffer.from((w.values as Float32Array).buffer, (w.values as Float32Array).byteOffset, w.values.byteLength).equals(Buffer.from(before[i]!.buffer))).toBe(true));
    });
  }

  it('the same recipe twice gives the same stored bytes and the same statistics', async () => {
    const [a, b] = [await applyRecipe(model, recipe(8)), await applyRecipe(model, recipe(8))];
    expect(a.stats).toEqual(b.stats);
    a.weights.forEach((w, i) => expect(Buffer.from(w.stored.bytes).equals(Buffer.from(b.weights[i]!.stored.bytes))).toBe(true));
  });
});
