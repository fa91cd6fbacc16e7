/** The pipeline runner over several steps: order, masks, storage at the end, progress, cancel, data roles. */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { PareError } from '../errors';
import { exportVariant } from '../export';
import { openModel } from '../formats';
import { convModel, saveArtifacts, useCpu } from '../formats/testing/build-models';
import { artifactsToFiles } from '../formats/testing/encode';
import type { OpenedModel } from '../model/types';
import { applyRecipe } from './apply';
import { parseRecipe } from './schema';
import type { ApplyProgress } from './variant';

let conv: OpenedModel;
beforeAll(async () => {
  await useCpu();
  conv = await openModel(artifactsToFiles(await saveArtifacts(convModel())));
});

const v2 = (...steps: unknown[]) => parseRecipe({ pare: 'recipe', version: 2, steps });
const zerosIn = (v: ArrayLike<number>) => Array.prototype.filter.call(v, (x: number) => x === 0).length;

async function errorOf(run: Promise<unknown>): Promise<PareError> {
  const e = await run.then(() => null, (x: unknown) => x);
  expect(e).toBeInstanceOf(PareError);
  return e as PareError;
}

describe('applyRecipe runs the steps in order', () => {
  it('prune steps one after another: each tensor ends at its highest target, every earlier zero still zero (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.double({ min: 0, max: 0.95, noNaN: true }), { minLength: 1, maxLength: 3 }), async (targets) => {
        const steps = targets.map((s) => ({ step: 'prune', default: s }));
        const v = await applyRecipe(conv, v2(...steps));
        const first = await applyRecipe(conv, v2(steps[0]));
        conv.weights.forEach((w, i) => {
          if (!w.prunable) return;
          const n = w.values.length;
          expect(zerosIn(v.weights[i]!.values)).toBe(Math.max(...targets.map((s) => Math.round(s * n))));
          const after = v.weights[i]!.values;
          first.weights[i]!.values.forEach((x, j) => {
            if (x === 0) expect(after[j]).toBe(0);
          });
        });
      }),
      { numRuns: 15 },
    );
  });

  it('without a quantize step keeps every tensor as the input stored it (the same bytes as "keep")', async () => {
    const prune = { step: 'prune', sparsity: 0.5 };
    const a = await applyRecipe(conv, v2(prune));
    const b = await applyRecipe(conv, v2(prune, { step: 'quantize', default: 'keep', clip: 'mse' }));
    expect(a.weights.map((w) => w.stored.dtype)).toEqual(conv.weights.map((w) => w.dtype));
    a.weights.forEach((w, i) => expect(Buffer.from(w.stored.bytes).equals(Buffer.from(b.weights[i]!.stored.bytes))).toBe(true));
  });

  it('is deterministic: the same model and recipe give byte-identical exports, recording the recipe and what it was applied with', async () => {
    const r = v2({ step: 'prune', default: 0.3 }, { step: 'prune', sparsity: 0.6 }, { step: 'quantize', default: { bits: 5 } });
    const a = exportVariant(conv, await applyRecipe(conv, r), r).files;
    const b = exportVariant(conv, await applyRecipe(conv, r), r).files;
    expect(a.map((f) => Buffer.from(f.data).toString('base64'))).toEqual(b.map((f) => Buffer.from(f.data).toString('base64')));
    const pare = JSON.parse(new TextDecoder().decode(a[0]!.data)).userDefinedMetadata.pare;
    expect(pare.recipe).toEqual(r);
    expect(pare.applied).toEqual({ data: {}, backend: null });
  });

  it('reports progress over the whole recipe, ending at its total', async () => {
    const seen: ApplyProgress[] = [];
    await applyRecipe(conv, v2({ step: 'prune', default: 0.3 }, { step: 'prune', sparsity: 0.6 }, { step: 'quantize', default: 'uint8' }), {
      onProgress: (p) => seen.push(p),
    });
    const prunable = conv.weights.filter((w) => w.prunable).length;
    const total = prunable + 1 + conv.weights.length;
    expect(seen.map((p) => p.total)).toEqual(seen.map(() => total));
    expect(seen.map((p) => p.done)).toEqual(seen.map((_, i) => i + 1));
    expect(seen.map((p) => p.phase)).toEqual([...Array(prunable + 1).fill('prune'), ...Array(conv.weights.length).fill('quantize')]);
  });

  it('stops at the next tensor when cancelled, and says how far it got', async () => {
    const controller = new AbortController();
    const e = await errorOf(
      applyRecipe(conv, v2({ step: 'prune', default: 0.3 }, { step: 'quantize', default: 'uint8' }), {
        signal: controller.signal,
        onProgress: (p) => p.done === 2 && controller.abort(),
      }),
    );
    expect(e.code).toBe('cancelled');
    expect(e.message).toMatch(/^Applying the recipe was cancelled after 2 of \d+ steps\.$/);
  });

  it('refuses a step that names data it was not given, before any work', async () => {
    const e = await errorOf(applyRecipe(conv, v2({ step: 'prune', default: 0.5, method: 'wanda', data: 'calibration' })));
    expect(e.code).toBe('missing-data');
    expect(e.message).toBe(
      "recipe.steps[0] ('prune') needs the calibration data set, and none was given: open data in the studio, or pass --data to pare optimize.",
    );
  });

  // Every step kind runs now (finetune last; src/recipe/finetune.test.ts covers it); methods can still be reserved.
  it('refuses a calibrated method on empty calibration data', async () => {
    const data = { calibration: { fingerprint: 'f', dataset: { size: 0 } as never } };
    const empty = await errorOf(applyRecipe(conv, v2({ step: 'quantize', default: { bits: 4 }, method: 'gptq', data: 'calibration' }), { data }));
    expect([empty.code, empty.message]).toEqual(['bad-data', 'The calibration data has no samples.']);
  });

  it('leaves the opened model untouched', async () => {
    const before = conv.weights.map((w) => Buffer.from(w.values.buffer, w.values.byteOffset, w.values.byteLength).toString('base64'));
    await applyRecipe(conv, v2({ step: 'prune', default: 0.9 }, { step: 'prune', sparsity: 0.95 }, { step: 'quantize', default: { bits: 2 } }));
    expect(conv.weights.map((w) => Buffer.from(w.values.buffer, w.values.byteOffset, w.values.byteLength).toString('base64'))).toEqual(before);
  });
});
