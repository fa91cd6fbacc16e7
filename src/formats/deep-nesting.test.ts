/**
 * Deep nesting (issue 12): nested Sequential models and deeply nested JSON never end in "Maximum call stack size
 * exceeded". Within the bound a model opens, inventories, loads in stock TF.js and exports; past it, it is refused
 * naming the file and the depth.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openModel } from './index';
import { MAX_JSON_DEPTH } from './json-depth';
import { inventoryOf } from '../model/inventory';
import { loadTfModel } from '../model/load-tf';
import type { InputFile } from '../model/types';
import { applyRecipe } from '../recipe/apply';
import { emptyRecipe } from '../recipe/schema';
import { exportVariant } from '../export/index';
import { useCpu } from './testing/build-models';
import { assemble, explode, type Json } from './testing/model-edit';

const MLP = join(process.cwd(), 'public/samples/fashion-mlp');
const mlp = (): InputFile[] => readdirSync(MLP).map((f) => ({ name: `fashion-mlp/${f}`, data: new Uint8Array(readFileSync(join(MLP, f))) }));

/** fashion-mlp inside `depth` Sequentials, each holding the next. */
function nestedMlp(depth: number): InputFile[] {
  const parts = explode(mlp());
  let inner: Json = parts.json.modelTopology;
  for (let i = 0; i < depth; i++) inner = { class_name: 'Sequential', config: { name: `wrap${i}`, layers: [inner] } };
  parts.json.modelTopology = inner;
  return assemble(parts);
}

/** fashion-mlp with a metadata field holding `depth` nested objects, written as text (JSON.stringify could not). */
function deepMetadata(depth: number): InputFile[] {
  const [json, shard] = assemble(explode(mlp()));
  const text = new TextDecoder().decode(json.data).replace(/}$/, `,"userDefinedMetadata":{"deep":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}}`);
  return [{ name: json.name, data: new TextEncoder().encode(text) }, shard];
}

describe('deep nesting', () => {
  it('a model nested in 100 Sequentials opens with the same weights and outputs, and stock TF.js agrees', { timeout: 30_000 }, async () => {
    await useCpu();
    const model = await openModel(nestedMlp(100));
    const inventory = inventoryOf(model);
    expect(inventory.params).toBe(266_610);
    expect(inventory.outputs[0].shape).toEqual([null, 10]);
    const stock = await loadTfModel(model.artifacts, 'layers-model');
    expect(stock.countParams()).toBe(266_610);
    stock.dispose();
  });

  it(`a valid model with a config field nested ${MAX_JSON_DEPTH - 10} deep opens and exports, and the export opens again`, { timeout: 30_000 }, async () => {
    await useCpu();
    const model = await openModel(deepMetadata(MAX_JSON_DEPTH - 10));
    const recipe = emptyRecipe();
    const { files } = exportVariant(model, await applyRecipe(model, recipe), recipe);
    const again = await openModel(files);
    expect(again.weights.map((w) => w.name)).toEqual(model.weights.map((w) => w.name));
    let depth = 0;
    for (let v = (again.artifacts.userDefinedMetadata as Json).deep; typeof v === 'object'; v = v.a) depth++;
    expect(depth).toBe(MAX_JSON_DEPTH - 10);
  });

  it('past the bound, both are refused naming the file and the depth, without a stack overflow', async () => {
    await expect(openModel(nestedMlp(1000))).rejects.toMatchObject({
      code: 'too-deep',
      message: expect.stringMatching(/^'fashion-mlp\/model\.json' nests objects and arrays [0-9],[0-9]{3} levels deep \(at modelTopology\.config\.layers\[0\]\.config\.layers…\); Pare reads model files nested at most 512 levels deep\.$/),
    });
    await expect(openModel(deepMetadata(100_000))).rejects.toMatchObject({
      code: 'too-deep',
      message: expect.stringMatching(/^'fashion-mlp\/model\.json' nests objects and arrays 100,00\d levels deep \(at userDefinedMetadata\.deep\.a\.a\.a\.a…\)/),
    });
  });
});
