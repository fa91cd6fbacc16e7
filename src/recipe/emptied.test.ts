import { beforeAll, describe, expect, it } from 'vitest';
import { openModel } from '../formats';
import { useCpu } from '../formats/testing/build-models';
import { realFiles } from '../formats/testing/files';
import type { OpenedModel } from '../model/types';
import { applyRecipe } from './apply';
import { parseRecipe } from './schema';

let emotion: OpenedModel;
beforeAll(async () => {
  await useCpu();
  emotion = await openModel(realFiles('human-emotion'));
});

describe('a tensor emptied by pruning is named in a warning', () => {
  it('50% global on the real emotion model empties some convolution, and each such tensor is warned about by name', async () => {
    const v = await applyRecipe(emotion, parseRecipe({ pare: 'recipe', version: 1, prune: { sparsity: 0.5 } }));
    const emptied = v.stats.tensors.filter((t) => t.prunable && t.params > 0 && t.prunedZeros === t.params).map((t) => t.name);
    expect(emptied.length).toBeGreaterThan(0);
    const warned = v.warnings.filter((w) => w.code === 'emptied-tensor');
    expect(warned.map((w) => w.weight).sort()).toEqual([...emptied].sort());
    for (const w of warned) expect(w.message).toContain(`'${w.weight}'`);
  });

  it('the same sparsity in every layer empties nothing and warns about nothing', async () => {
    const v = await applyRecipe(emotion, parseRecipe({ pare: 'recipe', version: 1, prune: { default: 0.5 } }));
    expect(v.warnings.filter((w) => w.code === 'emptied-tensor')).toEqual([]);
    expect(v.stats.tensors.some((t) => t.prunable && t.prunedZeros === t.params)).toBe(false);
  });
});
