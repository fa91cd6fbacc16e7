/**
 * The Recipe: versioned JSON that says how to make a variant of a model, as an ordered list of steps. The same
 * JSON is written by the studio, read by `pare optimize --recipe`, and recorded in every export's
 * `userDefinedMetadata.pare.recipe`.
 *
 * ```json
 * { "pare": "recipe", "version": 2,
 *   "steps": [
 *     { "step": "prune", "sparsity": 0.5, "perTensor": [{ "match": "*depthwise*", "sparsity": 0.2 }] },
 *     { "step": "quantize", "default": "uint8", "clip": "minmax",
 *       "perTensor": [{ "match": "dense/kernel", "precision": { "bits": 4 } }], "skip": ["Conv1/kernel"] } ] }
 * ```
 * Version 1 recipes (`"prune": {...}, "quantize": {...}` at the top) are read as the steps `[prune, quantize]`.
 * The fields of each step are in steps.ts; the allowed orders in order.ts.
 *
 * Precedence within a step (the same for every rule list):
 * - `match` is an exact tensor name, or a glob when it contains `*` (any run of characters, `/` included) or `?`.
 *   An exact-name rule beats every pattern; among patterns the first listed wins.
 * - `prune` touches only prunable tensors (kernels and weight matrices; see DESIGN.md). A prunable tensor that a
 *   `perTensor` rule selects is pruned on its own to that rule's sparsity. The remaining prunable tensors either
 *   share ONE magnitude threshold chosen so that exactly round(sparsity * n) of their n weights are zero
 *   (`sparsity`, "global"), or are each pruned separately to `default` ("each"). Setting both is an error;
 *   setting neither leaves them unpruned. Zeros already there count toward a target. With a calibrated `method`
 *   ("wanda", "obs") a global target is shared out as the magnitude threshold would (each tensor loses as many
 *   weights as it would by magnitude), and each tensor then chooses which of its weights go by that method.
 * - `quantize`, per tensor: int32 and bool tensors are never quantized; a tensor selected by `skip` stays
 *   float32; otherwise the `perTensor` rule that applies, else `default`. Precisions: "keep" (as the input stored
 *   it: its own uint8/uint16/float16, or float32), "none" (float32), "float16", "uint16", "uint8", or
 *   { "bits": 2..8 } (affine with 2^bits levels, stored as uint8 codes, which stock TF.js loads; { "bits": 8 } is
 *   "uint8"). The range of affine forms is chosen by `clip` (the rule's, else the step's): "minmax" as
 *   tensorflowjs_converter does, or a clipping method that trades a few outliers for finer steps ("percentile",
 *   "mse").
 * - With no `quantize` step every tensor keeps the precision the input stored it in.
 */
import { z } from 'zod';
import { PareError } from '../errors';
import { stepOrderProblem } from './order';
import { recipeV1Schema, stepsOfV1 } from './schema-v1';
import { STEP_KINDS, stepSchema, type DataRole, type Precision, type PruneStep, type QuantizeStep, type Step } from './steps';
import { formatTarget } from '../text/wording';
import { issuesText } from './zod-text';

export type {
  ClipMethod,
  DataRole,
  FinetuneStep,
  FuseStep,
  NamedPrecision,
  Precision,
  PruneChannelsStep,
  PruneRule,
  PruneStep,
  QuantizeRule,
  QuantizeStep,
  RetargetStep,
  Step,
  StepInput,
  StepKind,
} from './steps';
export { STEP_KINDS } from './steps';

export const RECIPE_VERSION = 2;

const recipeSchema = z.strictObject({
  pare: z.literal('recipe'),
  version: z.literal(RECIPE_VERSION),
  steps: z.array(stepSchema, { error: 'must be a list of steps like {"step": "prune", ...}' }),
}, { error: 'must be a JSON object like {"pare": "recipe", "version": 2, "steps": [...]}' });

/** A validated recipe with every default filled in: what `parseRecipe` returns, what gets hashed and recorded. */
export type Recipe = z.output<typeof recipeSchema>;

const headSchema = z.looseObject({
  pare: z.literal('recipe', { error: 'must be "recipe" (this JSON is not a Pare recipe)' }),
  version: z.union([z.literal(1), z.literal(2)], { error: 'must be 1 or 2, the recipe versions this Pare reads' }),
}, { error: 'must be a JSON object like {"pare": "recipe", "version": 2, "steps": [...]}' });

function fail(issues: readonly z.core.$ZodIssue[]): never {
  throw new PareError('bad-recipe', issuesText(issues, STEP_KINDS));
}

function bothTargets(where: string, p: { sparsity?: number; default?: number }): string {
  return (
    `${where} sets both "sparsity" (${p.sparsity}, one threshold over all remaining prunable tensors) and ` +
    `"default" (${p.default}, each remaining tensor on its own); keep one of them.`
  );
}

/** What a step's fields say that its schema alone cannot check, as a sentence. */
function stepProblem(s: Step, where: string): string | null {
  if (s.step === 'prune') {
    if (s.sparsity !== undefined && s.default !== undefined) return bothTargets(where, s);
    if (s.method !== 'magnitude' && !s.data) return `${where} uses "method": "${s.method}", which needs calibration data: add "data": "calibration".`;
  }
  if (s.step === 'finetune' && s.stopAfter !== undefined && s.stopAfter > s.epochs) {
    return `${where}.stopAfter (${s.stopAfter}) must be at most "epochs" (${s.epochs}).`;
  }
  if (s.step === 'quantize' && s.method === 'gptq' && !s.data) {
    return `${where} uses "method": "gptq", which needs calibration data: add "data": "calibration".`;
  }
  if (s.step === 'quantize' && s.sequential !== undefined && s.method !== 'gptq') {
    return `${where}.sequential says how "gptq" gathers its statistics; this step uses "method": "${s.method}", which gathers none.`;
  }
  if (s.step === 'quantize' && s.biasCorrection && !s.data) {
    return `${where} asks for "biasCorrection", which needs calibration data: add "data": "calibration".`;
  }
  return null;
}

/**
 * A step that says only its defaults changes nothing (an empty prune, or "keep every tensor's precision"); it is
 * dropped, so a recipe that means "unchanged" has one spelling and one hash however it was written.
 */
function isNoOp(s: Step): boolean {
  if (s.step === 'prune') {
    return s.sparsity === undefined && s.default === undefined && !s.perTensor.length && s.method === 'magnitude' && !s.data;
  }
  if (s.step === 'quantize') {
    return (
      s.default === 'keep' && s.clip === 'minmax' && !s.perTensor.length && !s.skip.length && s.method === 'nearest' &&
      s.equalize === undefined && s.biasCorrection === undefined && !s.data
    );
  }
  return false;
}

/**
 * Validates and normalizes a recipe (parsed JSON), version 1 or 2. Throws PareError('bad-recipe') whose message
 * names the field, what it must be and what was found, e.g.
 * "recipe.steps[0].sparsity must be between 0 and 1; found 1.5".
 * @example parseRecipe({ pare: 'recipe', version: 2, steps: [{ step: 'prune', sparsity: 0.5 }, { step: 'quantize', default: 'uint8' }] })
 */
export function parseRecipe(json: unknown): Recipe {
  const head = headSchema.safeParse(json, { reportInput: true });
  if (!head.success) fail(head.error.issues);
  let input: unknown = json;
  if (head.data.version === 1) {
    const v1 = recipeV1Schema.safeParse(json, { reportInput: true });
    if (!v1.success) fail(v1.error.issues);
    const prune = v1.data.prune;
    if (prune?.sparsity !== undefined && prune.default !== undefined) throw new PareError('bad-recipe', bothTargets('recipe.prune', prune));
    input = { pare: 'recipe', version: RECIPE_VERSION, steps: stepsOfV1(v1.data) };
  }
  const parsed = recipeSchema.safeParse(input, { reportInput: true });
  if (!parsed.success) fail(parsed.error.issues);
  const steps = parsed.data.steps;
  steps.forEach((s, i) => {
    const problem = stepProblem(s, `recipe.steps[${i}]`);
    if (problem) throw new PareError('bad-recipe', problem);
  });
  const order = stepOrderProblem(steps);
  if (order) throw new PareError('bad-recipe', order);
  return { pare: 'recipe', version: RECIPE_VERSION, steps: steps.filter((s) => !isNoOp(s)) };
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

/** The recipe that changes nothing: no steps, every tensor kept as the input stored it. */
export function emptyRecipe(): Recipe {
  return { pare: 'recipe', version: RECIPE_VERSION, steps: [] };
}

/** The data roles the recipe's steps name, in order of first use. */
export function dataRolesOf(recipe: Recipe): DataRole[] {
  return [...new Set(recipe.steps.flatMap((s) => ('data' in s && s.data ? [s.data] : [])))];
}

/** The recipe's steps of one kind, in order. */
export function stepsOfKind<K extends Step['step']>(recipe: Recipe, kind: K): Extract<Step, { step: K }>[] {
  return recipe.steps.filter((s): s is Extract<Step, { step: K }> => s.step === kind);
}

/** The recipe's quantize step, if it has one (at most one; order.ts). */
export function quantizeStepOf(recipe: Recipe): QuantizeStep | undefined {
  return stepsOfKind(recipe, 'quantize')[0];
}

/** The recipe's last prune step, if any: the one whose targets hold in the end. */
export function lastPruneStepOf(recipe: Recipe): PruneStep | undefined {
  return stepsOfKind(recipe, 'prune').at(-1);
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
 * so recipes that mean the same (key order, omitted defaults, {bits: 8} vs "uint8", version 1 or 2) get the same
 * id. Synchronous on purpose (it keys caches); not a cryptographic hash.
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

function plural(n: number, one: string): string {
  return `${n} ${one}${n === 1 ? '' : 's'}`;
}

/** Short text for a precision: 'float32', 'float16', 'uint8', '4-bit', 'kept precision'. */
export function precisionText(p: Precision): string {
  if (typeof p === 'object') return `${p.bits}-bit`;
  return p === 'none' ? 'float32' : p === 'keep' ? 'kept precision' : p;
}

function describeStep(s: Step): string {
  switch (s.step) {
    case 'prune': {
      const parts: string[] = [];
      if (s.sparsity !== undefined) parts.push(`${formatTarget(s.sparsity)} global`);
      if (s.default !== undefined) parts.push(`${formatTarget(s.default)} each`);
      if (s.perTensor.length) parts.push(plural(s.perTensor.length, 'pruning rule'));
      const text = parts.length ? parts.join(' + ') : 'no pruning';
      return s.method === 'magnitude' ? text : `${text} (${s.method})`;
    }
    case 'quantize': {
      const q = precisionText(s.default) + (s.clip !== 'minmax' ? ` (${s.clip})` : '');
      const extras: string[] = [];
      if (s.perTensor.length) extras.push(plural(s.perTensor.length, 'rule'));
      if (s.skip.length) extras.push(`${s.skip.length} skipped`);
      if (s.method !== 'nearest') extras.push(s.method);
      return extras.length ? `${q} + ${extras.join(', ')}` : q;
    }
    case 'prune-channels': {
      const rules = s.perGroup.length ? ` + ${plural(s.perGroup.length, 'group rule')}` : '';
      return `${formatTarget(s.ratio)} of channels${rules} (${s.criterion}${s.compensate ? ', least squares' : ''})`;
    }
    case 'finetune':
      return `fine-tune ${s.stopAfter !== undefined && s.stopAfter < s.epochs ? `${s.stopAfter} of ${s.epochs} epochs` : plural(s.epochs, 'epoch')}${s.sparsity ? ` to ${formatTarget(s.sparsity.to)}` : ''}`;
    case 'retarget':
      return `retarget${s.cut ? ` at ${s.cut}` : ''}`;
    case 'fuse':
      return s.format === 'layers-model' ? 'batch norm folded' : 'fused';
  }
}

/**
 * A short human summary of a recipe for labels and logs: its steps in order.
 * @example describeRecipe(parseRecipe({pare:'recipe',version:1,prune:{sparsity:0.5},quantize:{default:'uint8'}}))
 *   // "50% global · uint8"
 */
export function describeRecipe(recipe: Recipe): string {
  return recipe.steps.length ? recipe.steps.map(describeStep).join(' · ') : 'unchanged';
}
