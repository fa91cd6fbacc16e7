// Recorded the fixture v1-exports.json at commit 745e5ef, with the v1 code, before recipe v2 (npx tsx src/recipe/testing/record-v1-exports.ts).
import { createHash } from 'node:crypto';
import { writeFileSync, mkdirSync } from 'node:fs';
import { nodeTf } from '../../cli/node-tf';
import { readInput } from '../../cli/read-input';
import { openModel } from '../../formats/index';
import { parseRecipe } from '../../recipe/schema';
import { applyRecipe } from '../../recipe/apply';
import { exportVariant } from '../../export/index';

const cases = [
  { id: 'mlp-50-uint8', model: 'public/samples/fashion-mlp', recipe: { pare: 'recipe', version: 1, prune: { sparsity: 0.5 }, quantize: { default: 'uint8' } } },
  { id: 'mlp-each-4bit-rules', model: 'public/samples/fashion-mlp', recipe: { pare: 'recipe', version: 1, prune: { default: 0.3, perTensor: [{ match: 'fc3/*', sparsity: 0 }] }, quantize: { default: { bits: 4 }, clip: 'mse', perTensor: [{ match: '*bias*', precision: 'float16' }], skip: ['fc1/bias'] } } },
  { id: 'cnn-float16', model: 'public/samples/fashion-cnn', recipe: { pare: 'recipe', version: 1, quantize: { default: 'float16' } } },
  { id: 'cnn-70-percentile-uint16', model: 'public/samples/fashion-cnn', recipe: { pare: 'recipe', version: 1, prune: { sparsity: 0.7 }, quantize: { default: 'uint16', clip: 'percentile' } } },
  { id: 'emotion-50-uint8', model: '.fixtures/real/human-emotion', recipe: { pare: 'recipe', version: 1, prune: { sparsity: 0.5 }, quantize: { default: 'uint8' } } },
  { id: 'handtrack-keep-3bit', model: '.fixtures/real/human-handtrack', recipe: { pare: 'recipe', version: 1, prune: { sparsity: 0.4 }, quantize: { default: 'keep', perTensor: [{ match: '*conv*', precision: { bits: 3 } }] } } },
];
await nodeTf();
const out: Record<string, unknown> = {};
for (const c of cases) {
  const model = await openModel(await readInput(c.model));
  const recipe = parseRecipe(c.recipe);
  const v = await applyRecipe(model, recipe);
  const { files } = exportVariant(model, v, recipe);
  const json = JSON.parse(new TextDecoder().decode(files[0]!.data));
  out[c.id] = {
    model: c.model,
    recipe: c.recipe,
    files: files.map((f) => ({ name: f.name, bytes: f.data.byteLength, sha256: createHash('sha256').update(f.data).digest('hex') })),
    weightsManifest: json.weightsManifest,
  };
  console.log(c.id, files.length);
}
mkdirSync('src/recipe/testing', { recursive: true });
writeFileSync('src/recipe/testing/v1-exports.json', JSON.stringify(out, null, 1) + '\n');
