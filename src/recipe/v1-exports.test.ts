/**
 * Version 1 recipes give the same bytes as before the pipeline: the fixture holds exports made by the code before
 * recipe version 2 (shard hashes and weight manifests; testing/record-v1-exports.ts wrote it). The model.json
 * itself differs only where it records the recipe, now in its version 2 form.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { readInput } from '../cli/read-input';
import { exportVariant } from '../export';
import { openModel } from '../formats';
import { useCpu } from '../formats/testing/build-models';
import { applyRecipe } from './apply';
import { parseRecipe } from './schema';

interface Recorded {
  model: string;
  recipe: unknown;
  files: { name: string; bytes: number; sha256: string }[];
  weightsManifest: unknown;
}
const recorded = JSON.parse(readFileSync(new URL('./testing/v1-exports.json', import.meta.url), 'utf8')) as Record<string, Recorded>;

beforeAll(() => useCpu());

describe('version 1 recipes export the bytes they did before recipe version 2', () => {
  it('covers layers and graph models, global and per-tensor pruning, rules, skips and every storage kind', () => {
    expect(Object.keys(recorded).length).toBeGreaterThanOrEqual(6);
  });

  it.each(Object.entries(recorded))('%s', async (_, r) => {
    const model = await openModel(await readInput(r.model));
    const recipe = parseRecipe(r.recipe);
    expect(recipe.version).toBe(2);
    const { files } = exportVariant(model, await applyRecipe(model, recipe), recipe);
    const shards = files.slice(1).map((f) => ({ name: f.name, bytes: f.data.byteLength, sha256: createHash('sha256').update(f.data).digest('hex') }));
    expect(shards).toEqual(r.files.slice(1));
    const json = JSON.parse(new TextDecoder().decode(files[0]!.data));
    expect(json.weightsManifest).toEqual(r.weightsManifest);
    expect(json.userDefinedMetadata.pare.recipe).toEqual(recipe);
  });
});
