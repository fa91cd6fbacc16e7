/**
 * The Recipe: versioned JSON that says how to prune and quantize a model, by tensor name or pattern, with defaults.
 * The same JSON is written by the studio, read by `pare optimize --recipe`, and recorded in every export's
 * `userDefinedMetadata.pare.recipe`.
 *
 * ```json
 * { "pare": "recipe", "version": 1,
 *   "prune":    { "sparsity": 0.5, "perTensor": [{ "match": "*depthwise*", "sparsity": 0.2 }] },
 *   "quantize": { "default": "uint8", "clip": "minmax",
 *                 "perTensor": [{ "match": "dense/kernel", "precision": { "bits": 4 } }],
 *                 "skip": ["Conv1/kernel"] } }
 * ```
 *
 * Precedence (the same for every rule list):
 * - `match` is an exact tensor name, or a glob when it contains `*` (any run of characters, `/` included) or `?`.
 *   An exact-name rule beats every pattern; among patterns the first listed wins.
 * - Pruning touches only prunable tensors (kernels and weight matrices; see DESIGN.md). A prunable tensor that a
 *   `prune.perTensor` rule selects is pruned on its own to that rule's sparsity. The remaining prunable tensors
 *   either share ONE magnitude threshold chosen so that exactly round(sparsity * n) of their n weights are zero
 *   (`prune.sparsity`, "global"), or are each pruned separately to `prune.default` ("each"). Setting both is an
 *   error; setting neither leaves them unpruned.
 * - Quantization, per tensor: int32 and bool tensors are never quantized; a tensor selected by `quantize.skip`
 *   stays float32; otherwise the `quantize.perTensor` rule that applies, else `quantize.default`.
 *   Precisions: "keep" (as the input stored it: its own uint8/uint16/float16, or float32), "none" (float32),
 *   "float16", "uint16", "uint8", or { "bits": 2..8 } (affine with 2^bits levels, stored as uint8 codes, which stock
 *   TF.js loads; { "bits": 8 } is "uint8"). The range of affine forms is chosen by `clip` (the rule's, else
 *   `quantize.clip`): "minmax" as tensorflowjs_converter does, or a clipping method that trades a few outliers
 *   for finer steps ("percentile", "mse").
 * - Omitted sections mean "no pruning" and "keep every tensor's precision".
 */
import { z } from 'zod';
import { PareError } from '../errors';

export const RECIPE_VERSION = 1;

export type ClipMethod = 'minmax' | 'percentile' | 'mse';
export type NamedPrecision = 'keep' | 'none' | 'float16' | 'uint16' | 'uint8';
/** How a float32 tensor is stored; see the module comment. `{bits: 8}` is normalized to 'uint8'. */
export type Precision = NamedPrecision | { bits: number };

export interface PruneRule {
  match: string;
  sparsity: number;
}

export interface QuantizeRule {
  match: string;
  precision: Precision;
  clip?: ClipMethod;
}

/** A validated recipe with every default filled in (what `parseRecipe` returns and what gets hashed). */
export interface Recipe {
  pare: 'recipe';
  version: 1;
  prune: {
    /** Global target over the prunable tensors no rule selects: one threshold shared by all of them. */
    sparsity?: number;
    /** Per-tensor target for each prunable tensor no rule selects, each pruned on its own. */
    default?: number;
    perTensor: PruneRule[];
  };
  quantize: {
    default: Precision;
    clip: ClipMethod;
    perTensor: QuantizeRule[];
    skip: string[];
  };
}

const SPARSITY_MSG = 'must be between 0 and 1';
const PRECISION_MSG = 'must be "keep", "none", "float16", "uint16", "uint8" or {"bits": N} with N from 2 to 8';
const CLIP_MSG = 'must be "minmax", "percentile" or "mse"';

const OBJ = { error: 'must be an object' };

const sparsity = z
  .number({ error: 'must be a number between 0 and 1' })
  .min(0, { error: SPARSITY_MSG })
  .max(1, { error: SPARSITY_MSG });
const match = z.string({ error: 'must be a tensor name or a glob pattern (a string)' }).min(1, {
  error: 'must not be empty',
});
const clip = z.enum(['minmax', 'percentile', 'mse'], { error: CLIP_MSG });
const bits = z.strictObject({
  bits: z
    .number({ error: 'must be a whole number from 2 to 8' })
    .min(2, { error: 'must be a whole number from 2 to 8' })
    .max(8, { error: 'must be a whole number from 2 to 8 (use "uint16" for 16 bits)' })
    // A refinement, not .int(): zod reports .int() as a type mismatch, which would hide this message behind the
    // union's generic one.
    .refine(Number.isInteger, { error: 'must be a whole number from 2 to 8' }),
});
const precision = z.union([z.enum(['keep', 'none', 'float16', 'uint16', 'uint8']), bits], { error: PRECISION_MSG });

const recipeSchema = z.strictObject({
  pare: z.literal('recipe', { error: 'must be "recipe" (this JSON is not a Pare recipe)' }),
  version: z.literal(RECIPE_VERSION, { error: `must be ${RECIPE_VERSION}, the only recipe version this Pare reads` }),
  prune: z
    .strictObject({
      sparsity: sparsity.optional(),
      default: sparsity.optional(),
      perTensor: z.array(z.strictObject({ match, sparsity }, OBJ), { error: 'must be a list of {match, sparsity}' }).optional(),
    }, OBJ)
    .optional(),
  quantize: z
    .strictObject({
      default: precision.optional(),
      clip: clip.optional(),
      perTensor: z
        .array(z.strictObject({ match, precision, clip: clip.optional() }, OBJ), {
          error: 'must be a list of {match, precision, clip?}',
        })
        .optional(),
      skip: z.array(match, { error: 'must be a list of tensor names or patterns' }).optional(),
    }, OBJ)
    .optional(),
}, { error: 'must be a JSON object like {"pare": "recipe", "version": 1, ...}' });

function pathText(path: readonly PropertyKey[]): string {
  return ['recipe', ...path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p)))].join('.').replace(/\.\[/g, '[');
}

function valueText(v: unknown): string {
  const s = JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** One sentence per zod issue, in Pare's style: where, what was expected, what was found. */
function issueText(issue: z.core.$ZodIssue): string {
  const where = pathText(issue.path);
  if (issue.code === 'unrecognized_keys') {
    return `${where} has ${issue.keys.length === 1 ? 'an unknown key' : 'unknown keys'} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  }
  const input = (issue as { input?: unknown }).input;
  const message = issue.message.startsWith('Invalid input: expected')
    ? `must be ${issue.message.slice('Invalid input: expected '.length)}`
    : issue.message;
  if (input === undefined) return `${where} is missing (it ${message})`;
  return `${where} ${message}; found ${valueText(input)}`;
}

function normalizePrecision(p: Precision): Precision {
  return typeof p === 'object' && p.bits === 8 ? 'uint8' : typeof p === 'object' ? { bits: p.bits } : p;
}

/**
 * Validates and normalizes a recipe (parsed JSON). Throws PareError('bad-recipe') whose message names the field,
 * what it must be and what was found, e.g. "recipe.prune.sparsity must be between 0 and 1; found 1.5".
 * @example parseRecipe({ pare: 'recipe', version: 1, prune: { sparsity: 0.5 }, quantize: { default: 'uint8' } })
 */
export function parseRecipe(json: unknown): Recipe {
  const result = recipeSchema.safeParse(json, { reportInput: true });
  if (!result.success) {
    const texts = result.error.issues.map(issueText);
    const more = texts.length > 1 ? ` (and ${texts.length - 1} more: ${texts.slice(1).join('; ')})` : '';
    throw new PareError('bad-recipe', `${texts[0]}${more}.`);
  }
  const r = result.data;
  const prune = r.prune ?? {};
  if (prune.sparsity !== undefined && prune.default !== undefined) {
    throw new PareError(
      'bad-recipe',
      `recipe.prune sets both "sparsity" (${prune.sparsity}, one threshold over all remaining prunable tensors) and ` +
        `"default" (${prune.default}, each remaining tensor on its own); keep one of them.`,
    );
  }
  const quantize = r.quantize ?? {};
  const recipe: Recipe = {
    pare: 'recipe',
    version: 1,
    prune: { perTensor: (prune.perTensor ?? []).map((x) => ({ match: x.match, sparsity: x.sparsity })) },
    quantize: {
      default: normalizePrecision(quantize.default ?? 'keep'),
      clip: quantize.clip ?? 'minmax',
      perTensor: (quantize.perTensor ?? []).map((x) => ({
        match: x.match,
        precision: normalizePrecision(x.precision),
        ...(x.clip ? { clip: x.clip } : {}),
      })),
      skip: [...(quantize.skip ?? [])],
    },
  };
  if (prune.sparsity !== undefined) recipe.prune.sparsity = prune.sparsity;
  if (prune.default !== undefined) recipe.prune.default = prune.default;
  return recipe;
}

/** Parses recipe text (a file's contents); JSON syntax errors become PareError('bad-json') naming `file`. */
export function parseRecipeText(text: string, file = 'recipe.json'): Recipe {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new PareError('bad-json', `Recipe '${file}' is not valid JSON: ${(e as Error).message}.`, { file });
  }
  try {
    return parseRecipe(json);
  } catch (e) {
    if (e instanceof PareError) throw new PareError(e.code, e.message, { file });
    throw e;
  }
}

/** The recipe that changes nothing: no pruning, every tensor kept as the input stored it. */
export function emptyRecipe(): Recipe {
  return parseRecipe({ pare: 'recipe', version: RECIPE_VERSION });
}

/** JSON with object keys sorted at every level, so equal recipes serialize to equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * A stable 16-hex-digit id of a recipe: FNV-1a (64-bit) over the UTF-8 of its canonical JSON after normalization,
 * so recipes that mean the same (key order, omitted defaults, {bits: 8} vs "uint8") get the same id. Synchronous
 * on purpose (it keys caches); not a cryptographic hash.
 */
export function recipeHash(recipe: Recipe): string {
  return fnv1a64(canonicalJson(parseRecipe(recipe)));
}

/** FNV-1a, 64-bit, over the UTF-8 bytes of `text`, as 16 hex digits. */
export function fnv1a64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let h = 0xcbf29ce484222325n;
  const prime = 0x100000001b3n;
  const mask = 0xffffffffffffffffn;
  for (const b of bytes) h = ((h ^ BigInt(b)) * prime) & mask;
  return h.toString(16).padStart(16, '0');
}

function percent(s: number): string {
  return `${Number((s * 100).toFixed(2))}%`;
}

/** Short text for a precision: 'float32', 'float16', 'uint8', '4-bit', 'kept'. */
export function precisionText(p: Precision): string {
  if (typeof p === 'object') return `${p.bits}-bit`;
  return p === 'none' ? 'float32' : p === 'keep' ? 'kept precision' : p;
}

/**
 * A short human summary of a recipe for labels and logs.
 * @example describeRecipe(parseRecipe({pare:'recipe',version:1,prune:{sparsity:0.5},quantize:{default:'uint8'}}))
 *   // "50% global · uint8"
 */
export function describeRecipe(recipe: Recipe): string {
  const parts: string[] = [];
  const { prune, quantize } = recipe;
  const pruneParts: string[] = [];
  if (prune.sparsity !== undefined) pruneParts.push(`${percent(prune.sparsity)} global`);
  if (prune.default !== undefined) pruneParts.push(`${percent(prune.default)} each`);
  if (prune.perTensor.length) pruneParts.push(`${prune.perTensor.length} pruning rule${prune.perTensor.length > 1 ? 's' : ''}`);
  if (pruneParts.length) parts.push(pruneParts.join(' + '));
  const q = precisionText(quantize.default) + (quantize.clip !== 'minmax' ? ` (${quantize.clip})` : '');
  const extras: string[] = [];
  if (quantize.perTensor.length) extras.push(`${quantize.perTensor.length} rule${quantize.perTensor.length > 1 ? 's' : ''}`);
  if (quantize.skip.length) extras.push(`${quantize.skip.length} skipped`);
  if (quantize.default !== 'keep' || extras.length) parts.push(extras.length ? `${q} + ${extras.join(', ')}` : q);
  return parts.length ? parts.join(' · ') : 'unchanged';
}
