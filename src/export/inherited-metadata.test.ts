/** An export of a shipped sample keeps what its metadata says about using it, and drops what was measured on it. */
import { strFromU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { readInput } from '../cli/read-input';
import { openModel } from '../formats';
import { applyRecipe } from '../recipe/apply';
import { parseRecipe } from '../recipe/schema';
import { exportVariant } from './index';

describe('exported userDefinedMetadata.pare', () => {
  it('keeps the sample MLP labels and preprocessing next to the recipe, without the original test accuracy', async () => {
    const model = await openModel(await readInput('public/samples/fashion-mlp'));
    const before = (model.artifacts.userDefinedMetadata as { pare: Record<string, unknown> }).pare;
    const recipe = parseRecipe({ pare: 'recipe', version: 1, prune: { sparsity: 0.5 }, quantize: { default: 'uint8' } });
    const out = exportVariant(model, await applyRecipe(model, recipe), recipe);
    const pare = JSON.parse(strFromU8(out.files[0]!.data)).userDefinedMetadata.pare as Record<string, unknown>;
    expect(pare.labels).toEqual(before.labels);
    expect((pare.labels as string[]).length).toBe(10);
    expect(pare.preprocessing).toEqual(before.preprocessing);
    expect(pare.recipe).toEqual(recipe);
    expect(before.testAccuracy).toBeTypeOf('number');
    expect(pare).not.toHaveProperty('testAccuracy');
  });
});
