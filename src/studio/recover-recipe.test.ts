import { describe, expect, it } from 'vitest';
import { describeRecipe, parseRecipe } from '../recipe/schema';
import { defaultRecoverSettings, epochOffsets, recoverRecipe, resumeRecipe, stoppedStepOf, trainedEpochs } from './recover-recipe';

const controls = parseRecipe({ pare: 'recipe', version: 2, steps: [{ step: 'prune', sparsity: 0.8 }, { step: 'quantize', default: { bits: 4 } }] });

describe('recoverRecipe', () => {
  it('puts the finetune step after pruning and before quantization', () => {
    const r = recoverRecipe(controls, { ...defaultRecoverSettings(0.8), epochs: 2, batch: 32 });
    expect(r.steps.map((s) => s.step)).toEqual(['prune', 'finetune', 'quantize']);
    expect(r.steps[1]).toMatchObject({ data: 'training', epochs: 2, batch: 32, learningRate: 0.001, seed: 1 });
    expect(r.steps[1]).not.toHaveProperty('sparsity');
    expect(r.steps[1]).not.toHaveProperty('distill');
  });

  it('lets the gradual schedule prune (the one-shot prune step goes) and adds distillation', () => {
    const r = recoverRecipe(controls, { ...defaultRecoverSettings(0.8), schedule: 'gradual', distill: true, temperature: 2, alpha: 0.3 });
    expect(r.steps.map((s) => s.step)).toEqual(['finetune', 'quantize']);
    expect(r.steps[0]).toMatchObject({ sparsity: { from: 0.4, to: 0.8 }, distill: { temperature: 2, alpha: 0.3 } });
  });

  it('trains before fuse too, and at the end of a recipe without storage steps', () => {
    const fused = parseRecipe({ pare: 'recipe', version: 2, steps: [{ step: 'prune', sparsity: 0.5 }, { step: 'fuse' }] });
    expect(recoverRecipe(fused, defaultRecoverSettings()).steps.map((s) => s.step)).toEqual(['prune', 'finetune', 'fuse']);
    const none = parseRecipe({ pare: 'recipe', version: 2, steps: [] });
    expect(recoverRecipe(none, defaultRecoverSettings()).steps.map((s) => s.step)).toEqual(['finetune']);
  });
});

describe('resumeRecipe', () => {
  const trained = recoverRecipe(controls, { ...defaultRecoverSettings(0.8), epochs: 5, schedule: 'gradual' });
  const stopped = { ...trained, steps: trained.steps.map((s) => (s.step === 'finetune' ? { ...s, stopAfter: 2 } : s)) };

  it('adds a finetune step for the remaining epochs right after the stopped one, without the schedule', () => {
    const r = resumeRecipe(stopped)!;
    expect(r.steps.map((s) => s.step)).toEqual(['finetune', 'finetune', 'quantize']);
    expect(r.steps[0]).toMatchObject({ epochs: 5, stopAfter: 2, sparsity: { to: 0.8 } });
    expect(r.steps[1]).toMatchObject({ epochs: 3, batch: 64, learningRate: 0.001 });
    expect(r.steps[1]).not.toHaveProperty('sparsity');
    expect(r.steps[1]).not.toHaveProperty('stopAfter');
    expect(epochOffsets(r)).toEqual({ 'recipe.steps[0]': 0, 'recipe.steps[1]': 2 });
    expect(trainedEpochs(r)).toBe(5);
    expect(describeRecipe(stopped)).toBe('fine-tune 2 of 5 epochs to 80% · 4-bit');
  });

  it('is null when nothing was stopped or nothing remains', () => {
    expect(resumeRecipe(trained)).toBeNull();
    expect(stoppedStepOf({ ...trained, steps: trained.steps.map((s) => (s.step === 'finetune' ? { ...s, stopAfter: 5 } : s)) })).toBeNull();
  });
});
