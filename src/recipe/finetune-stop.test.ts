/**
 * A finetune run stopped early is rebuilt exactly by "stopAfter" (the schedule still spans all epochs), and not by
 * "epochs" set to the kept epoch, which squeezes the gradual-pruning schedule: why the studio records stopAfter.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { openSample, trainingSet } from '../calibrate/testing/fashion';
import { useBackend } from '../cli/backend';
import type { Dataset } from '../evaluate/dataset';
import type { OpenedModel } from '../model/types';
import { firstSamples } from '../train/testing/sample-training';
import { applyRecipe } from './apply';
import { parseRecipe } from './schema';
import type { Variant } from './variant';

let mlp: OpenedModel;
let train: Dataset;
beforeAll(async () => {
  await useBackend('wasm');
  mlp = await openSample('fashion-mlp');
  train = firstSamples(trainingSet(mlp), 320);
});

const data = () => ({ training: { fingerprint: 'sha256:train', dataset: train } });
const gradual = { step: 'finetune', data: 'training', epochs: 3, batch: 32, seed: 2, validation: 0.2, sparsity: { from: 0.5, to: 0.9, until: 0.3 } };
const recipeOf = (finetune: object) => parseRecipe({ pare: 'recipe', version: 2, steps: [finetune, { step: 'quantize', default: 'uint8' }] });
const sameBytes = (a: Variant, b: Variant) => a.weights.every((w, i) => Buffer.from(w.stored.bytes).equals(Buffer.from(b.weights[i]!.stored.bytes)));

describe('stopAfter', () => {
  it('rebuilds a gradual-pruning run stopped after epoch 2 to the same bytes; "epochs": 2 does not', async () => {
    const stop = new AbortController();
    const stopped = await applyRecipe(mlp, recipeOf(gradual), {
      data: data(),
      stopTraining: stop.signal,
      onTraining: (p) => p.kind === 'epoch' && p.epoch === 2 && stop.abort(),
    });
    expect(stopped.warnings.map((w) => w.message)).toContainEqual(expect.stringMatching(/Training was cancelled after 16 of 24 steps \(2 full epochs\); kept epoch [12]/));
    const recorded = await applyRecipe(mlp, recipeOf({ ...gradual, stopAfter: 2 }), { data: data() });
    expect(recorded.warnings.map((w) => w.message)).toContainEqual(expect.stringMatching(/Trained the first 2 of 3 epochs \(the run was stopped there\)/));
    expect(sameBytes(stopped, recorded)).toBe(true);
    const squeezed = await applyRecipe(mlp, recipeOf({ ...gradual, epochs: 2 }), { data: data() });
    expect(sameBytes(stopped, squeezed)).toBe(false);
  }, 60_000);

  it('is refused past "epochs", in a sentence naming the step', () => {
    expect(() => recipeOf({ ...gradual, stopAfter: 4 })).toThrow('recipe.steps[0].stopAfter (4) must be at most "epochs" (3).');
  });
});
