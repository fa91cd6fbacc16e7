import { describe, expect, it } from 'vitest';
import { parseRecipe, recipeHash } from '../recipe/schema';
import { fusedExportOf } from './fused-export';

const recipe = (...steps: object[]) => parseRecipe({ pare: 'recipe', version: 2, steps });

describe('fusedExportOf', () => {
  it('a variant that already fuses into a graph model exports as it is', () => {
    expect(fusedExportOf(recipe({ step: 'prune', sparsity: 0.5 }, { step: 'fuse' }))).toEqual({ kind: 'already' });
    expect(fusedExportOf(recipe({ step: 'fuse', format: 'graph-model' }))).toEqual({ kind: 'already' });
  });

  it('any other is a new recipe: fuse after the channel and weight steps, before storage', () => {
    const r = fusedExportOf(recipe({ step: 'prune-channels', ratio: 0.5 }, { step: 'prune', sparsity: 0.3 }, { step: 'quantize', default: 'float16' }));
    expect(r.kind).toBe('new');
    if (r.kind !== 'new') return;
    expect(r.recipe.steps.map((s) => s.step)).toEqual(['prune-channels', 'prune', 'fuse', 'quantize']);
    expect(r.recipe.steps[2]).toEqual({ step: 'fuse' });
  });

  it('the original becomes a fuse-only recipe; a fuse step that kept the layers format is replaced', () => {
    const fromOriginal = fusedExportOf(null);
    expect(fromOriginal.kind === 'new' && fromOriginal.recipe.steps).toEqual([{ step: 'fuse' }]);
    const layers = fusedExportOf(recipe({ step: 'fuse', format: 'layers-model' }, { step: 'quantize', default: 'uint8' }));
    expect(layers.kind === 'new' && layers.recipe.steps.map((s) => s.step)).toEqual(['fuse', 'quantize']);
    expect(layers.kind === 'new' && layers.recipe.steps[0]).toEqual({ step: 'fuse' });
    // The same recipe the studio's fuse control makes for these steps: one variant, not two.
    const viaControl = recipe({ step: 'prune', sparsity: 0.3 }, { step: 'fuse' }, { step: 'quantize', default: 'uint8' });
    const viaExport = fusedExportOf(recipe({ step: 'prune', sparsity: 0.3 }, { step: 'quantize', default: 'uint8' }));
    expect(viaExport.kind === 'new' && recipeHash(viaExport.recipe)).toBe(recipeHash(viaControl));
  });
});
