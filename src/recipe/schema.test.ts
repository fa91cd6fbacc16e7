import { describe, expect, it } from 'vitest';
import { PareError } from '../errors';
import { canonicalJson, describeRecipe, emptyRecipe, fnv1a64, lastPruneStepOf, parseRecipe, parseRecipeText, quantizeStepOf, recipeHash } from './schema';

const base = { pare: 'recipe', version: 1 } as const;

function errorOf(json: unknown): PareError {
  try {
    parseRecipe(json);
  } catch (e) {
    expect(e).toBeInstanceOf(PareError);
    return e as PareError;
  }
  throw new Error('parseRecipe accepted an invalid recipe');
}

describe('parseRecipe errors', () => {
  const cases: [string, unknown, string][] = [
    ['not an object', 5, 'recipe must be a JSON object like {"pare": "recipe", "version": 2, "steps": [...]}; found 5.'],
    ['wrong tag', { pare: 'model', version: 1 }, 'recipe.pare must be "recipe" (this JSON is not a Pare recipe); found "model".'],
    ['future version', { ...base, version: 3 }, 'recipe.version must be 1 or 2, the recipe versions this Pare reads; found 3.'],
    ['sparsity too big', { ...base, prune: { sparsity: 1.5 } }, 'recipe.prune.sparsity must be between 0 and 1; found 1.5.'],
    ['sparsity negative', { ...base, prune: { sparsity: -0.1 } }, 'recipe.prune.sparsity must be between 0 and 1; found -0.1.'],
    ['sparsity a string', { ...base, prune: { sparsity: '50%' } }, 'recipe.prune.sparsity must be a number between 0 and 1; found "50%".'],
    ['typo key', { ...base, quantize: { dfault: 'uint8' } }, 'recipe.quantize has an unknown key "dfault".'],
    [
      'unknown precision',
      { ...base, quantize: { default: 'int4' } },
      'recipe.quantize.default must be "keep", "none", "float16", "uint16", "uint8" or {"bits": N} with N from 2 to 8; found "int4".',
    ],
    [
      'bits out of range',
      { ...base, quantize: { default: { bits: 12 } } },
      'recipe.quantize.default.bits must be a whole number from 2 to 8 (use "uint16" for 16 bits); found 12.',
    ],
    ['fractional bits', { ...base, quantize: { default: { bits: 4.5 } } }, 'recipe.quantize.default.bits must be a whole number from 2 to 8; found 4.5.'],
    ['bad clip', { ...base, quantize: { clip: 'max' } }, 'recipe.quantize.clip must be "minmax", "percentile" or "mse"; found "max".'],
    [
      'rule without sparsity',
      { ...base, prune: { perTensor: [{ match: 'dense/kernel' }] } },
      'recipe.prune.perTensor[0].sparsity is missing (it must be a number between 0 and 1).',
    ],
    ['empty pattern', { ...base, quantize: { skip: ['a', ''] } }, 'recipe.quantize.skip[1] must not be empty; found "".'],
    [
      'global and default together',
      { ...base, prune: { sparsity: 0.5, default: 0.3 } },
      'recipe.prune sets both "sparsity" (0.5, one threshold over all remaining prunable tensors) and "default" (0.3, each remaining tensor on its own); keep one of them.',
    ],
  ];
  it.each(cases)('%s', (_, json, message) => {
    const e = errorOf(json);
    expect(e.code).toBe('bad-recipe');
    expect(e.message).toBe(message);
  });

  it('lists further problems after the first', () => {
    const e = errorOf({ ...base, prune: { sparsity: 2 }, quantize: { default: 'int4' } });
    expect(e.message).toMatch(/^recipe\.prune\.sparsity must be between 0 and 1; found 2 \(and 1 more: recipe\.quantize\.default must be/);
  });

  it('reports JSON syntax errors with the file name', () => {
    expect(() => parseRecipeText('{"pare": "recipe",', 'my.json')).toThrow(/Recipe 'my.json' is not valid JSON/);
    try {
      parseRecipeText('{"pare":"recipe","version":1,"prune":{"sparsity":7}}', 'r.json');
    } catch (e) {
      expect((e as PareError).file).toBe('r.json');
      expect((e as PareError).message).toContain('recipe.prune.sparsity must be between 0 and 1; found 7');
    }
  });
});

describe('parseRecipe normalization', () => {
  it('fills defaults: no pruning, keep precision, minmax', () => {
    expect(emptyRecipe()).toEqual({ pare: 'recipe', version: 2, steps: [] });
    // A version 1 recipe that says nothing is the empty recipe: its [prune, quantize] steps do nothing.
    expect(parseRecipe(base)).toEqual(emptyRecipe());
    expect(parseRecipe({ ...base, prune: {}, quantize: { default: 'keep' } })).toEqual(emptyRecipe());
  });

  it('treats {bits: 8} as uint8 and keeps other bit depths', () => {
    const r = parseRecipe({ ...base, quantize: { default: { bits: 8 }, perTensor: [{ match: 'a*', precision: { bits: 3 } }] } });
    expect(quantizeStepOf(r)!.default).toBe('uint8');
    expect(quantizeStepOf(r)!.perTensor[0]!.precision).toEqual({ bits: 3 });
  });

  it('accepts the boundaries 0 and 1', () => {
    expect(lastPruneStepOf(parseRecipe({ ...base, prune: { sparsity: 0 } }))!.sparsity).toBe(0);
    expect(lastPruneStepOf(parseRecipe({ ...base, prune: { default: 1 } }))!.default).toBe(1);
  });

  it('round-trips through JSON unchanged', () => {
    const r = parseRecipe({
      ...base,
      prune: { sparsity: 0.5, perTensor: [{ match: '*dw*', sparsity: 0.1 }] },
      quantize: { default: { bits: 4 }, clip: 'mse', perTensor: [{ match: 'x', precision: 'float16', clip: 'percentile' }], skip: ['y'] },
    });
    expect(parseRecipe(JSON.parse(JSON.stringify(r)))).toEqual(r);
  });
});

describe('recipeHash', () => {
  it('is the same for recipes that mean the same', () => {
    const a = parseRecipe({ ...base, prune: { sparsity: 0.5 }, quantize: { default: { bits: 8 } } });
    const b = parseRecipe({ quantize: { clip: 'minmax', default: 'uint8' }, prune: { sparsity: 0.5 }, version: 1, pare: 'recipe' });
    expect(recipeHash(a)).toBe(recipeHash(b));
    expect(recipeHash(a)).toMatch(/^[0-9a-f]{16}$/);
  });

  it('differs when anything that matters differs', () => {
    const hashes = [
      { prune: { sparsity: 0.5 } },
      { prune: { sparsity: 0.5000001 } },
      { prune: { default: 0.5 } },
      { quantize: { default: 'uint8' } },
      { quantize: { default: 'uint8', clip: 'mse' } },
      { quantize: { default: 'uint8', skip: ['a'] } },
      { prune: { perTensor: [{ match: 'a', sparsity: 0.5 }, { match: 'b', sparsity: 0.5 }] } },
      { prune: { perTensor: [{ match: 'b', sparsity: 0.5 }, { match: 'a', sparsity: 0.5 }] } },
      {},
    ].map((x) => recipeHash(parseRecipe({ ...base, ...x })));
    expect(new Set(hashes).size).toBe(hashes.length);
  });

  it('is FNV-1a 64 of the canonical JSON (published test vectors, sorted keys)', () => {
    expect(fnv1a64('')).toBe('cbf29ce484222325');
    expect(fnv1a64('a')).toBe('af63dc4c8601ec8c');
    expect(fnv1a64('foobar')).toBe('85944171f73967e8');
    expect(canonicalJson({ b: [1, { d: 2, c: 3 }], a: 'x', u: undefined })).toBe('{"a":"x","b":[1,{"c":3,"d":2}]}');
    const r = parseRecipe({ ...base, prune: { sparsity: 0.5 } });
    expect(recipeHash(r)).toBe(fnv1a64(canonicalJson(r)));
  });
});

describe('describeRecipe', () => {
  const d = (x: object) => describeRecipe(parseRecipe({ ...base, ...x }));
  it.each([
    [{}, 'unchanged'],
    [{ prune: { sparsity: 0.5 }, quantize: { default: 'uint8' } }, '50% global · uint8'],
    [{ prune: { default: 0.125 } }, '12.5% each'],
    [{ quantize: { default: { bits: 4 }, clip: 'mse' } }, '4-bit (mse)'],
    [{ quantize: { default: 'none' } }, 'float32'],
    [
      { prune: { sparsity: 0.3, perTensor: [{ match: 'a', sparsity: 0.9 }] }, quantize: { default: 'float16', skip: ['b'] } },
      '30% global + 1 pruning rule · float16 + 1 skipped',
    ],
  ])('%j -> %s', (x, text) => expect(d(x)).toBe(text));
});
