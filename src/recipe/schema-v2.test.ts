import { describe, expect, it } from 'vitest';
import { PareError } from '../errors';
import { describeRecipe, parseRecipe, recipeHash, STEP_KINDS } from './schema';

const v2 = (...steps: unknown[]) => ({ pare: 'recipe', version: 2, steps });

function messageOf(json: unknown): string {
  try {
    parseRecipe(json);
  } catch (e) {
    expect(e).toBeInstanceOf(PareError);
    expect((e as PareError).code).toBe('bad-recipe');
    return (e as PareError).message;
  }
  throw new Error('parseRecipe accepted an invalid recipe');
}

describe('recipe version 2: an ordered list of steps', () => {
  it('reads the example of the README and fills each step\'s defaults', () => {
    const r = parseRecipe(
      v2(
        { step: 'prune', sparsity: 0.8, perTensor: [{ match: 'fc3/*', sparsity: 0 }] },
        { step: 'quantize', default: { bits: 4 }, clip: 'mse', perTensor: [], skip: [] },
      ),
    );
    expect(r).toEqual({
      pare: 'recipe',
      version: 2,
      steps: [
        { step: 'prune', sparsity: 0.8, perTensor: [{ match: 'fc3/*', sparsity: 0 }], method: 'magnitude' },
        { step: 'quantize', default: { bits: 4 }, clip: 'mse', perTensor: [], skip: [], method: 'nearest' },
      ],
    });
    expect(parseRecipe(JSON.parse(JSON.stringify(r)))).toEqual(r);
  });

  it('reads a version 1 recipe as the steps [prune, quantize], with the same hash as the version 2 spelling', () => {
    const one = parseRecipe({ pare: 'recipe', version: 1, prune: { sparsity: 0.5, perTensor: [{ match: 'a', sparsity: 0.1 }] }, quantize: { default: 'uint8', skip: ['b'] } });
    const two = parseRecipe(v2({ step: 'prune', sparsity: 0.5, perTensor: [{ match: 'a', sparsity: 0.1 }] }, { step: 'quantize', default: { bits: 8 }, skip: ['b'] }));
    expect(one).toEqual(two);
    expect(one.steps.map((s) => s.step)).toEqual(['prune', 'quantize']);
    expect(recipeHash(one)).toBe(recipeHash(two));
  });

  it('validates the reserved steps with the names the next issues use', () => {
    const r = parseRecipe(
      v2(
        { step: 'retarget', data: 'training', cut: 'conv_pw_13_relu', epochs: 20 },
        { step: 'prune-channels', ratio: 0.5, criterion: 'l1', perGroup: [{ match: 'block_*', ratio: 0.3 }] },
        { step: 'finetune', data: 'training', epochs: 3, batch: 128, learningRate: 0.001, seed: 1, sparsity: { from: 0.5, to: 0.95 }, distill: { temperature: 4, alpha: 0.5 } },
        { step: 'prune', default: 0.8, method: 'obs', data: 'calibration', samples: 256 },
        { step: 'fuse' },
        { step: 'quantize', default: { bits: 4 }, method: 'gptq', equalize: true, biasCorrection: true, data: 'calibration' },
      ),
    );
    expect(r.steps.map((s) => s.step)).toEqual(['retarget', 'prune-channels', 'finetune', 'prune', 'fuse', 'quantize']);
    expect(r.steps[1]).toEqual({ step: 'prune-channels', ratio: 0.5, criterion: 'l1', perGroup: [{ match: 'block_*', ratio: 0.3 }], roundTo: 1 });
    expect(describeRecipe(r)).toBe('retarget at conv_pw_13_relu · 50% of channels + 1 group rule (l1) · fine-tune 3 epochs to 95% · 80% each (obs) · fused · 4-bit + gptq');
  });

  it('takes the optional finetune fields: schedule end and interval, distillation loss and teacher, validation, patience', () => {
    const r = parseRecipe(v2({ step: 'finetune', data: 'training', epochs: 2, sparsity: { from: 0.5, to: 0.9, until: 0.5, every: 10 }, distill: { temperature: 2, alpha: 1, loss: 'cosine', teacher: 'input' }, validation: 0.2, patience: 2 }));
    expect(r.steps[0]).toMatchObject({ sparsity: { from: 0.5, to: 0.9, until: 0.5, every: 10 }, distill: { loss: 'cosine', teacher: 'input' }, validation: 0.2, patience: 2, batch: 64 });
    expect(() => parseRecipe(v2({ step: 'finetune', data: 'training', epochs: 1, distill: { temperature: 2, alpha: 1, loss: 'kl' } }))).toThrow('recipe.steps[0].distill.loss must be "soft-targets", "mse" or "cosine"; found "kl".');
    expect(() => parseRecipe(v2({ step: 'finetune', data: 'training', epochs: 1, validation: 0.9 }))).toThrow('recipe.steps[0].validation must be a fraction from 0 to 0.5; found 0.9.');
  });

  it('drops steps that only say their defaults, so "unchanged" has one spelling', () => {
    expect(parseRecipe(v2({ step: 'prune' }, { step: 'quantize' })).steps).toEqual([]);
    expect(describeRecipe(parseRecipe(v2({ step: 'prune' })))).toBe('unchanged');
    expect(parseRecipe(v2({ step: 'prune', sparsity: 0 })).steps).toHaveLength(1);
  });

  it('knows the step kinds reserved for the next issues', () => {
    expect([...STEP_KINDS]).toEqual(['prune', 'quantize', 'prune-channels', 'finetune', 'retarget', 'fuse']);
  });
});

describe('recipe version 2 errors name the step and the field', () => {
  it.each<[string, unknown, string]>([
    ['no steps', { pare: 'recipe', version: 2 }, 'recipe.steps is missing (it must be a list of steps like {"step": "prune", ...}).'],
    ['unknown step kind', v2({ step: 'distil' }), 'recipe.steps[0].step must be one of "prune", "quantize", "prune-channels", "finetune", "retarget", "fuse"; found "distil".'],
    ['step without a kind', v2({ sparsity: 0.5 }), 'recipe.steps[0].step is missing (it must be one of "prune", "quantize", "prune-channels", "finetune", "retarget", "fuse").'],
    ['unknown field', v2({ step: 'prune', sparsty: 0.5 }), 'recipe.steps[0] has an unknown key "sparsty".'],
    ['v1 fields inside version 2', { pare: 'recipe', version: 2, steps: [], prune: { sparsity: 0.5 } }, 'recipe has an unknown key "prune".'],
    ['bad field value', v2({ step: 'quantize', default: 'int4' }), 'recipe.steps[0].default must be "keep", "none", "float16", "uint16", "uint8" or {"bits": N} with N from 2 to 8; found "int4".'],
    ['bad sparsity', v2({ step: 'prune' }, { step: 'prune', sparsity: 1.5 }), 'recipe.steps[1].sparsity must be between 0 and 1; found 1.5.'],
    ['wrong data role', v2({ step: 'finetune', data: 'calibration', epochs: 1 }), 'recipe.steps[0].data must be "training" (the data set this step uses); found "calibration".'],
    ['missing epochs', v2({ step: 'finetune', data: 'training' }), 'recipe.steps[0].epochs is missing (it must be a whole number of epochs, at least 1).'],
    [
      'both targets in one step',
      v2({ step: 'prune', sparsity: 0.5, default: 0.3 }),
      'recipe.steps[0] sets both "sparsity" (0.5, one threshold over all remaining prunable tensors) and "default" (0.3, each remaining tensor on its own); keep one of them.',
    ],
    ['a calibrated method without data', v2({ step: 'prune', default: 0.5, method: 'wanda' }), 'recipe.steps[0] uses "method": "wanda", which needs calibration data: add "data": "calibration".'],
    ['gptq without data', v2({ step: 'quantize', default: { bits: 4 }, method: 'gptq' }), 'recipe.steps[0] uses "method": "gptq", which needs calibration data: add "data": "calibration".'],
    [
      'sequential without gptq',
      v2({ step: 'quantize', default: { bits: 4 }, sequential: false }),
      'recipe.steps[0].sequential says how "gptq" gathers its statistics; this step uses "method": "nearest", which gathers none.',
    ],
    [
      'a step after quantize',
      v2({ step: 'quantize', default: 'uint8' }, { step: 'finetune', data: 'training', epochs: 1 }),
      "'quantize' must be the last weight-changing step; found 'finetune' after it (recipe.steps[1]).",
    ],
    ['two quantize steps', v2({ step: 'quantize', default: 'uint8' }, { step: 'quantize', default: 'float16' }), "recipe.steps[1] is a second 'quantize' step (the first is recipe.steps[0]); a recipe has at most one."],
    [
      'retarget not first',
      v2({ step: 'prune', sparsity: 0.5 }, { step: 'retarget', data: 'training' }),
      "'retarget' must be the first step (it makes the model the other steps compress); found 'prune' before it.",
    ],
    [
      'channel pruning after fusing',
      v2({ step: 'fuse' }, { step: 'prune-channels', ratio: 0.5 }),
      "'prune-channels' must come before 'fuse' (fusing folds the batch norms it works with); found it after (recipe.steps[1]).",
    ],
  ])('%s', (_, json, message) => expect(messageOf(json)).toBe(message));
});
