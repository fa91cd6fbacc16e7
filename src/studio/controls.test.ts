import { describe, expect, it } from 'vitest';
import { lastPruneStepOf, parseRecipe, quantizeStepOf, recipeHash } from '../recipe/schema';
import { controlsFromRecipe, controlsUseCalibration, defaultControls, recipeFromControls } from './controls';

const tensors = [
  { name: 'fc1/kernel', dtype: 'float32' as const, prunable: true },
  { name: 'fc1/bias', dtype: 'float32' as const, prunable: false },
  { name: 'fc2/kernel', dtype: 'float32' as const, prunable: true },
  { name: 'fc3/kernel', dtype: 'float32' as const, prunable: true },
];

describe('recipeFromControls', () => {
  it('is the empty recipe for the default controls', () => {
    expect(recipeHash(recipeFromControls(defaultControls()))).toBe(recipeHash(parseRecipe({ pare: 'recipe', version: 1 })));
  });

  it('turns the global controls and overrides into a recipe with exact-name rules, sorted', () => {
    const recipe = recipeFromControls({
      globalSparsity: 0.5,
      precision: 'uint8',
      clip: 'minmax',
      layers: { 'fc3/kernel': { sparsity: 0, precision: 'none' }, 'fc2/kernel': { precision: { bits: 4 } } },
    });
    expect(recipe.steps.map((s) => s.step)).toEqual(['prune', 'quantize']);
    expect(lastPruneStepOf(recipe)).toEqual({ step: 'prune', method: 'magnitude', sparsity: 0.5, perTensor: [{ match: 'fc3/kernel', sparsity: 0 }] });
    expect(quantizeStepOf(recipe)!.default).toBe('uint8');
    expect(quantizeStepOf(recipe)!.perTensor).toEqual([
      { match: 'fc2/kernel', precision: { bits: 4 } },
      { match: 'fc3/kernel', precision: 'none' },
    ]);
  });

  it('says "same sparsity in every layer" as prune.default, not as the one global threshold', () => {
    const each = recipeFromControls({ ...defaultControls(), globalSparsity: 0.5, pruneScope: 'each', layers: { 'fc3/kernel': { sparsity: 0 } } });
    expect(lastPruneStepOf(each)).toEqual({ step: 'prune', method: 'magnitude', default: 0.5, perTensor: [{ match: 'fc3/kernel', sparsity: 0 }] });
    const global = recipeFromControls({ ...defaultControls(), globalSparsity: 0.5, pruneScope: 'global' });
    expect(lastPruneStepOf(global)).toEqual({ step: 'prune', method: 'magnitude', sparsity: 0.5, perTensor: [] });
    expect(recipeHash(each)).not.toBe(recipeHash(global));
  });

  it('gives the same hash for the same controls whatever the order overrides were made in', () => {
    const a = recipeFromControls({ ...defaultControls(), layers: { b: { sparsity: 0.2 }, a: { sparsity: 0.1 } } });
    const b = recipeFromControls({ ...defaultControls(), layers: { a: { sparsity: 0.1 }, b: { sparsity: 0.2 } } });
    expect(recipeHash(a)).toBe(recipeHash(b));
  });
});

describe('calibrated methods in the controls', () => {
  it('name the calibration data only in steps that do something', () => {
    const c = { ...defaultControls(), pruneMethod: 'obs' as const, rounding: 'gptq' as const, calibrationSamples: 128 };
    // Nothing pruned, nothing quantized affine: no step needs data, and the recipe is the empty one.
    expect(controlsUseCalibration(c)).toBe(false);
    expect(recipeHash(recipeFromControls(c))).toBe(recipeHash(recipeFromControls(defaultControls())));
    const pruned = recipeFromControls({ ...c, globalSparsity: 0.6, precision: 'float16' });
    expect(lastPruneStepOf(pruned)).toMatchObject({ method: 'obs', data: 'calibration', samples: 128, sparsity: 0.6 });
    expect(quantizeStepOf(pruned)).toMatchObject({ method: 'nearest', default: 'float16' });
    expect(quantizeStepOf(pruned)!.data).toBeUndefined();
    const rounded = recipeFromControls({ ...c, precision: { bits: 4 } });
    expect(quantizeStepOf(rounded)).toMatchObject({ method: 'gptq', data: 'calibration', samples: 128 });
    expect(controlsUseCalibration({ ...c, precision: { bits: 4 } })).toBe(true);
    expect(controlsUseCalibration({ ...c, pruneMethod: 'magnitude', rounding: 'nearest', globalSparsity: 0.5, precision: 'uint8' })).toBe(false);
    expect(controlsUseCalibration({ ...c, layers: { 'fc1/kernel': { sparsity: 0.3 } } })).toBe(true);
  });

  it('round-trip through a recipe', () => {
    const controls = { ...defaultControls(), globalSparsity: 0.8, precision: 'uint8' as const, pruneMethod: 'wanda' as const, rounding: 'gptq' as const, calibrationSamples: 64 };
    const back = controlsFromRecipe(recipeFromControls(controls), tensors);
    expect(back.exact).toBe(true);
    expect(back.controls).toEqual(controls);
    // gptq from one pass, as the search answers for graph models: kept, so the answer stays exactly its recipe.
    const onePass = { ...controls, roundingOnePass: true };
    expect(quantizeStepOf(recipeFromControls(onePass))).toMatchObject({ method: 'gptq', sequential: false });
    expect(controlsFromRecipe(recipeFromControls(onePass), tensors)).toEqual({ controls: onePass, exact: true });
  });
});

describe('speed controls', () => {
  it('put channel removal first and fusion before storage, and round-trip', () => {
    const controls = { ...defaultControls(), globalSparsity: 0.5, precision: 'float16' as const, channelRatio: 0.3, channelRefit: true, fuse: true, calibrationSamples: 100 };
    const recipe = recipeFromControls(controls);
    expect(recipe.steps.map((s) => s.step)).toEqual(['prune-channels', 'prune', 'fuse', 'quantize']);
    expect(recipe.steps[0]).toMatchObject({ ratio: 0.3, compensate: true, data: 'calibration', samples: 100 });
    expect(controlsUseCalibration(controls)).toBe(true);
    expect(controlsUseCalibration({ ...controls, channelRefit: false })).toBe(false);
    const back = controlsFromRecipe(recipe, tensors);
    expect(back.exact).toBe(true);
    expect(back.controls).toEqual(controls);
    expect(recipeFromControls({ ...defaultControls(), channelRatio: 0 }).steps.map((s) => s.step)).toEqual([]);
  });

  it('per-group ratios become sorted perGroup rules beside the global ratio, and round-trip', () => {
    const controls = { ...defaultControls(), channelRatio: 0.2, channelGroups: { fc1: 0.6, conv2: 0 } };
    const recipe = recipeFromControls(controls);
    expect(recipe.steps[0]).toMatchObject({ step: 'prune-channels', ratio: 0.2, perGroup: [{ match: 'conv2', ratio: 0 }, { match: 'fc1', ratio: 0.6 }] });
    const back = controlsFromRecipe(recipe, tensors);
    expect(back.exact).toBe(true);
    expect(back.controls).toEqual(controls);
    // A group alone can ask for removal; rules that only keep groups whole, with no global ratio, remove nothing.
    expect(recipeFromControls({ ...defaultControls(), channelGroups: { fc1: 0.5 } }).steps[0]).toMatchObject({ step: 'prune-channels', ratio: 0, perGroup: [{ match: 'fc1', ratio: 0.5 }] });
    expect(recipeFromControls({ ...defaultControls(), channelGroups: { fc1: 0 } }).steps).toEqual([]);
    expect(controlsUseCalibration({ ...defaultControls(), channelGroups: { fc1: 0.5 }, channelRefit: true })).toBe(true);
  });
});

describe('controlsFromRecipe', () => {
  it('round-trips the studio own recipes exactly', () => {
    const controls = {
      globalSparsity: 0.7,
      precision: { bits: 6 },
      clip: 'mse' as const,
      layers: { 'fc3/kernel': { sparsity: 0.1 }, 'fc1/kernel': { precision: 'float16' as const } },
    };
    const back = controlsFromRecipe(recipeFromControls(controls), tensors);
    expect(back.exact).toBe(true);
    expect(back.controls).toEqual(controls);
  });

  it('round-trips "same sparsity in every layer" without turning each tensor into an override', () => {
    const controls = { globalSparsity: 0.4, pruneScope: 'each' as const, precision: 'keep' as const, clip: 'minmax' as const, layers: { 'fc3/kernel': { sparsity: 0 } } };
    const back = controlsFromRecipe(recipeFromControls(controls), tensors);
    expect(back.exact).toBe(true);
    expect(back.controls).toEqual(controls);
  });

  it('resolves patterns against the tensors and says the sliders are not the same recipe', () => {
    const recipe = parseRecipe({
      pare: 'recipe',
      version: 1,
      prune: { sparsity: 0.5, perTensor: [{ match: '*3/kernel', sparsity: 0.3 }, { match: 'fc3*', sparsity: 0.9 }, { match: 'fc2*', sparsity: 0.2 }] },
      quantize: { default: 'uint8', skip: ['*/bias'] },
    });
    const { controls, exact } = controlsFromRecipe(recipe, tensors);
    expect(exact).toBe(false);
    expect(controls.globalSparsity).toBe(0.5);
    // The first pattern listed wins for fc3/kernel too.
    expect(controls.layers['fc2/kernel']).toEqual({ sparsity: 0.2 });
    expect(controls.layers['fc3/kernel']).toEqual({ sparsity: 0.3 });
    expect(controls.layers['fc1/bias']).toEqual({ precision: 'none' });
    expect(controls.layers['fc1/kernel']).toBeUndefined();
  });
});
