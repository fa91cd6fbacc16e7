import { describe, expect, it } from 'vitest';
import { matches, ruleFor } from './match';
import { planRecipe, type PlannedTensor } from './plan';
import { parseRecipe } from './schema';

const tensors: PlannedTensor[] = [
  { name: 'conv1/kernel', dtype: 'float32', prunable: true },
  { name: 'conv1/bias', dtype: 'float32', prunable: false },
  { name: 'block_1/depthwise/kernel', dtype: 'float32', prunable: true, quantization: { dtype: 'uint8', scale: 0.1, min: -1 } },
  { name: 'dense/kernel', dtype: 'float32', prunable: true, quantization: { dtype: 'float16' } },
  { name: 'shape/const', dtype: 'int32', prunable: false },
  { name: 'flag', dtype: 'bool', prunable: false },
];

const recipe = (x: object) => parseRecipe({ pare: 'recipe', version: 1, ...x });
const byName = (x: object) => Object.fromEntries(planRecipe(tensors, recipe(x)).tensors.map((t) => [t.name, t]));

describe('match', () => {
  it.each([
    ['conv1/kernel', 'conv1/kernel', true],
    ['conv1/kernel', 'conv1/kerne', false],
    ['conv1/kernel', '*kernel', true],
    ['block_1/depthwise/kernel', 'block_?/*', true],
    ['block_12/depthwise/kernel', 'block_?/*', false],
    ['a.b', 'a?b', true],
    ['axb', 'a.b', false], // '.' is literal
    ['conv(1)', 'conv(*)', true],
  ])('%s ~ %s = %s', (name, m, expected) => expect(matches(name, m)).toBe(expected));

  it('prefers an exact name over patterns, then the first pattern', () => {
    const rules = [{ match: '*kernel' }, { match: 'conv*' }, { match: 'conv1/kernel' }];
    expect(ruleFor('conv1/kernel', rules)).toBe(rules[2]);
    expect(ruleFor('conv2/kernel', rules)).toBe(rules[0]);
    expect(ruleFor('conv2/bias', rules)).toBe(rules[1]);
    expect(ruleFor('x', rules)).toBeUndefined();
  });
});

describe('planRecipe: pruning', () => {
  it('global: every prunable float tensor shares the threshold, nothing else is pruned', () => {
    const p = byName({ prune: { sparsity: 0.5 } });
    expect(p['conv1/kernel']!.prune).toEqual({ mode: 'global', sparsity: 0.5 });
    expect(p['dense/kernel']!.prune).toEqual({ mode: 'global', sparsity: 0.5 });
    for (const n of ['conv1/bias', 'shape/const', 'flag']) expect(p[n]!.prune).toEqual({ mode: 'none' });
  });

  it('a per-tensor rule takes its tensor out of the global pool', () => {
    const p = byName({ prune: { sparsity: 0.5, perTensor: [{ match: '*depthwise*', sparsity: 0.1 }] } });
    expect(p['block_1/depthwise/kernel']!.prune).toEqual({ mode: 'tensor', sparsity: 0.1, rule: '*depthwise*' });
    expect(p['conv1/kernel']!.prune.mode).toBe('global');
  });

  it('default prunes each remaining tensor on its own', () => {
    const p = byName({ prune: { default: 0.3 } });
    expect(p['conv1/kernel']!.prune).toEqual({ mode: 'tensor', sparsity: 0.3 });
  });

  it('rules never reach non-prunable tensors, and say so', () => {
    const plan = planRecipe(tensors, recipe({ prune: { perTensor: [{ match: 'conv1/bias', sparsity: 0.5 }, { match: 'nope*', sparsity: 0.5 }] } }));
    expect(plan.tensors.every((t) => t.prune.mode === 'none')).toBe(true);
    expect(plan.warnings.map((w) => w.message)).toEqual([
      'Recipe rule prune.perTensor "conv1/bias" names a tensor that is not prunable (float32, not a kernel or weight matrix); it was left unpruned.',
      'Recipe rule prune.perTensor "nope*" selects no tensor of this model; it was ignored.',
    ]);
  });
});

describe('planRecipe: storage', () => {
  it('keep: each tensor as the input stored it', () => {
    const p = byName({});
    expect(p['conv1/kernel']!.store).toEqual({ dtype: 'float32' });
    expect(p['block_1/depthwise/kernel']!.store).toEqual({ dtype: 'uint8', bits: 8, clip: 'minmax' });
    expect(p['dense/kernel']!.store).toEqual({ dtype: 'float16' });
  });

  it('int32 and bool are never quantized, whatever the recipe says', () => {
    const p = byName({ quantize: { default: 'uint8', perTensor: [{ match: 'shape/const', precision: 'float16' }, { match: 'flag', precision: { bits: 2 } }] } });
    expect(p['shape/const']!.store).toEqual({ dtype: 'int32' });
    expect(p['flag']!.store).toEqual({ dtype: 'bool' });
  });

  it('skip beats per-tensor rules, which beat the default; rule clip beats the default clip', () => {
    const p = byName({
      quantize: {
        default: 'uint8',
        clip: 'percentile',
        perTensor: [{ match: '*kernel', precision: { bits: 4 }, clip: 'mse' }, { match: 'conv1/kernel', precision: 'uint16' }],
        skip: ['dense/*'],
      },
    });
    expect(p['dense/kernel']!.store).toEqual({ dtype: 'float32' });
    expect(p['conv1/kernel']!.store).toEqual({ dtype: 'uint16', bits: 16, clip: 'percentile' });
    expect(p['block_1/depthwise/kernel']!.store).toEqual({ dtype: 'uint8', bits: 4, clip: 'mse' });
    expect(p['conv1/bias']!.store).toEqual({ dtype: 'uint8', bits: 8, clip: 'percentile' });
  });

  it('none means float32 even for quantized inputs', () => {
    expect(byName({ quantize: { default: 'none' } })['block_1/depthwise/kernel']!.store).toEqual({ dtype: 'float32' });
  });
});
