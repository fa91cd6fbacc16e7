/**
 * The model.json schema (both TF.js formats), validated with zod so that a wrong field gets a message naming the
 * file, the field path and the weight, instead of a stack trace from deep inside the loader. Only what Pare reads
 * is constrained; everything else passes through untouched (`looseObject`), because exports must keep it.
 */
import { z } from 'zod';
import { PareError } from '../errors';
import { quoteName } from '../files/quote';

const quantizationSchema = z.looseObject({
  dtype: z.string(),
  scale: z.number().optional(),
  min: z.number().optional(),
  original_dtype: z.string().optional(),
});

const weightSpecSchema = z.looseObject({
  name: z.string().min(1),
  // Integer and sign are checked later, as 'shape-mismatch', with the weight's name in the message.
  shape: z.array(z.number()),
  dtype: z.string(),
  quantization: quantizationSchema.optional(),
});

const manifestGroupSchema = z.looseObject({
  paths: z.array(z.string()),
  weights: z.array(weightSpecSchema),
});

const tensorShapeSchema = z.looseObject({
  dim: z.array(z.looseObject({ size: z.union([z.string(), z.number()]).optional() })).optional(),
  unknownRank: z.boolean().optional(),
});

const signatureEntrySchema = z.looseObject({
  name: z.string().optional(),
  dtype: z.string().optional(),
  tensorShape: tensorShapeSchema.optional(),
});

export const signatureSchema = z.looseObject({
  inputs: z.record(z.string(), signatureEntrySchema).optional(),
  outputs: z.record(z.string(), signatureEntrySchema).optional(),
});

export const modelJsonSchema = z.looseObject({
  modelTopology: z.record(z.string(), z.unknown()),
  weightsManifest: z.array(manifestGroupSchema).optional(),
  format: z.string().optional(),
  generatedBy: z.string().nullish(),
  convertedBy: z.string().nullish(),
  signature: signatureSchema.nullish(),
  userDefinedMetadata: z.record(z.string(), z.unknown()).nullish(),
  modelInitializer: z.record(z.string(), z.unknown()).nullish(),
  initializerSignature: signatureSchema.nullish(),
  trainingConfig: z.record(z.string(), z.unknown()).nullish(),
});

export type ModelJson = z.infer<typeof modelJsonSchema>;
export type ManifestGroup = z.infer<typeof manifestGroupSchema>;
export type WeightSpecJson = z.infer<typeof weightSpecSchema>;
export type SignatureJson = z.infer<typeof signatureSchema>;

/**
 * Validates a parsed model JSON. Throws PareError 'bad-model-json' naming the file, the first wrong field and,
 * inside the weights manifest, the weight.
 *
 * @example
 *   const model = validateModelJson(JSON.parse(text), 'mymodel/model.json');
 *   model.weightsManifest?.[0].paths; // ['group1-shard1of1.bin']
 */
export function validateModelJson(json: unknown, file: string): ModelJson {
  const result = modelJsonSchema.safeParse(json);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  const weight = weightNameAt(json, path);
  const where = `${pathText(path)}${weight ? ` (weight ${quoteName(weight)})` : ''}`;
  const found = valueAt(json, path);
  const what =
    issue.code === 'invalid_type'
      ? `should be ${article(issue.expected)}; found ${describe(found)}`
      : `is invalid: ${issue.message}`;
  throw new PareError('bad-model-json', `${quoteName(file)} is not a valid TF.js model file: ${where} ${what}.`, {
    file,
    weight,
  });
}

function pathText(path: (string | number)[]): string {
  if (path.length === 0) return 'the top level';
  const key = (p: string) => quoteName(p).slice(1, -1);
  return path.slice(0, 8).map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? key(p) : `.${key(p)}`)).join('') + (path.length > 8 ? '…' : '');
}

function valueAt(json: unknown, path: (string | number)[]): unknown {
  let value = json;
  for (const p of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string | number, unknown>)[p];
  }
  return value;
}

/** The name of the weight a failing path points into (weightsManifest[g].weights[w]...), if it has one. */
function weightNameAt(json: unknown, path: (string | number)[]): string | undefined {
  if (path[0] !== 'weightsManifest' || path[2] !== 'weights' || typeof path[3] !== 'number') return undefined;
  const name = (valueAt(json, path.slice(0, 4)) as { name?: unknown } | undefined)?.name;
  return typeof name === 'string' ? name : undefined;
}

function article(expected: string): string {
  if (expected === 'record') return 'an object';
  if (expected === 'array' || expected === 'object') return `an ${expected}`;
  return `a ${expected}`;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value === 'number' ? 'the number' : 'the value'} ${String(value)}`;
}
