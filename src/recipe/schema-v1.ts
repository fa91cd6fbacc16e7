/**
 * Version 1 recipes (`{"pare": "recipe", "version": 1, "prune": {...}, "quantize": {...}}`), still read: each
 * becomes the version 2 steps `[prune, quantize]` it always meant, so it gives the same bytes as before.
 */
import { z } from 'zod';
import { clipSchema, matchSchema, precisionSchema, pruneRuleSchema, quantizeRuleSchema, type StepInput } from './steps';

const OBJ = { error: 'must be an object' };
const SPARSITY_MSG = 'must be between 0 and 1';
const sparsity = z
  .number({ error: 'must be a number between 0 and 1' })
  .min(0, { error: SPARSITY_MSG })
  .max(1, { error: SPARSITY_MSG });

export const recipeV1Schema = z.strictObject({
  pare: z.literal('recipe'),
  version: z.literal(1),
  prune: z
    .strictObject({
      sparsity: sparsity.optional(),
      default: sparsity.optional(),
      perTensor: z.array(pruneRuleSchema, { error: 'must be a list of {match, sparsity}' }).optional(),
    }, OBJ)
    .optional(),
  quantize: z
    .strictObject({
      default: precisionSchema.optional(),
      clip: clipSchema.optional(),
      perTensor: z.array(quantizeRuleSchema, { error: 'must be a list of {match, precision, clip?}' }).optional(),
      skip: z.array(matchSchema, { error: 'must be a list of tensor names or patterns' }).optional(),
    }, OBJ)
    .optional(),
}, { error: 'must be a JSON object like {"pare": "recipe", "version": 2, "steps": [...]}' });

export type RecipeV1 = z.output<typeof recipeV1Schema>;

/** The steps a version 1 recipe stands for: its pruning, then its storage. */
export function stepsOfV1(r: RecipeV1): StepInput[] {
  return [
    { step: 'prune', ...(r.prune ?? {}) },
    { step: 'quantize', ...(r.quantize ?? {}) },
  ];
}
