/**
 * The steps of a recipe, as zod schemas: the one source of truth for what a step may say, its defaults, and its
 * TypeScript type (`z.output` of the schema, i.e. with every default filled in).
 *
 * Step kinds and the names of their fields are a contract with downstream tools (extend, don't rename):
 * - `prune`: unstructured pruning to an exact sparsity (see schema.ts for the precedence of its rules).
 * - `quantize`: how each tensor is stored (float32, float16, affine uint16/uint8, 2–7-bit codes in uint8).
 * - `fuse`: batch-norm folding and fused graph export (see fuseStepSchema).
 * - `retarget`: a new head for the training data's classes on the model cut at a layer (transfer learning).
 * - `prune-channels`: removes whole channels (src/structure/), optionally refitting what reads them.
 * - `finetune`: recovery training (masks kept, gradual pruning, distillation); see run/finetune.ts.
 * - Reserved kinds (none left) would be validated so recipes can be
 *   written and checked today; the pipeline refuses to run them until the step is implemented.
 * A step that needs data names it by role (`"data": "calibration"` or `"training"`); the caller supplies the data
 * sets for those roles, and the applied recipe records each one's fingerprint.
 */
import { z } from 'zod';

export type ClipMethod = 'minmax' | 'percentile' | 'mse';
export type NamedPrecision = 'keep' | 'none' | 'float16' | 'uint16' | 'uint8';
/** How a float32 tensor is stored; `{bits: 8}` is normalized to 'uint8'. */
export type Precision = NamedPrecision | { bits: number };
/** 'validation': held-out data for a training step's checkpoints (`--val`); no step names it, the caller may give it. */
export type DataRole = 'calibration' | 'training' | 'validation';

/** Calibration samples a calibrated step ("wanda", "obs", "gptq") reads from the start of its data when it does not say. */
export const DEFAULT_CALIBRATION_SAMPLES = 512;

export const STEP_KINDS = ['prune', 'quantize', 'prune-channels', 'finetune', 'retarget', 'fuse'] as const;
export type StepKind = (typeof STEP_KINDS)[number];

const OBJ = { error: 'must be an object' };
const SPARSITY_MSG = 'must be between 0 and 1';
export const PRECISION_MSG = 'must be "keep", "none", "float16", "uint16", "uint8" or {"bits": N} with N from 2 to 8';
const CLIP_MSG = 'must be "minmax", "percentile" or "mse"';

const fraction = z
  .number({ error: 'must be a number between 0 and 1' })
  .min(0, { error: SPARSITY_MSG })
  .max(1, { error: SPARSITY_MSG });
// A refinement, not .int(): zod reports .int() as a type mismatch, which would hide the message behind a generic one.
const whole = (what: string, min: number, max = Number.MAX_SAFE_INTEGER) =>
  z
    .number({ error: `must be ${what}` })
    .min(min, { error: `must be ${what}` })
    .max(max, { error: `must be ${what}` })
    .refine(Number.isInteger, { error: `must be ${what}` });
const positive = z.number({ error: 'must be a positive number' }).gt(0, { error: 'must be a positive number' });
export const matchSchema = z
  .string({ error: 'must be a tensor name or a glob pattern (a string)' })
  .min(1, { error: 'must not be empty' });
export const clipSchema = z.enum(['minmax', 'percentile', 'mse'], { error: CLIP_MSG });
const bitsSchema = z.strictObject({
  bits: z
    .number({ error: 'must be a whole number from 2 to 8' })
    .min(2, { error: 'must be a whole number from 2 to 8' })
    .max(8, { error: 'must be a whole number from 2 to 8 (use "uint16" for 16 bits)' })
    .refine(Number.isInteger, { error: 'must be a whole number from 2 to 8' }),
});

/** {bits: 8} is "uint8": one spelling per storage, so equal recipes hash equal. */
function normalizePrecision(p: Precision): Precision {
  return typeof p === 'object' ? (p.bits === 8 ? 'uint8' : { bits: p.bits }) : p;
}
export const precisionSchema = z
  .union([z.enum(['keep', 'none', 'float16', 'uint16', 'uint8']), bitsSchema], { error: PRECISION_MSG })
  .transform(normalizePrecision);

const dataRole = <R extends DataRole>(role: R) => z.literal(role, { error: `must be "${role}" (the data set this step uses)` });
const seed = whole('a whole number (the seed of this step\'s random choices)', 0, 2 ** 32 - 1);

export const pruneRuleSchema = z.strictObject({ match: matchSchema, sparsity: fraction }, OBJ);
export const quantizeRuleSchema = z.strictObject(
  { match: matchSchema, precision: precisionSchema, clip: clipSchema.optional() },
  OBJ,
);

export const pruneStepSchema = z.strictObject({
  step: z.literal('prune'),
  /** Global target over the prunable tensors no rule selects: one magnitude threshold shared by all of them. */
  sparsity: fraction.optional(),
  /** Per-tensor target for each prunable tensor no rule selects, each pruned on its own. */
  default: fraction.optional(),
  perTensor: z.array(pruneRuleSchema, { error: 'must be a list of {match, sparsity}' }).default([]),
  /**
   * How weights are chosen: by magnitude; by |w| · ‖x‖ on calibration data ("wanda"); or removed with the error
   * compensated on the remaining weights of each output from the layer's input statistics ("obs", SparseGPT-style).
   */
  method: z.enum(['magnitude', 'wanda', 'obs'], { error: 'must be "magnitude", "wanda" or "obs"' }).default('magnitude'),
  data: dataRole('calibration').optional(),
  /** Calibration samples "wanda" and "obs" use, from the start of the data (default 512). */
  samples: whole('a whole number of calibration samples, at least 1', 1).optional(),
}, OBJ);

export const quantizeStepSchema = z.strictObject({
  step: z.literal('quantize'),
  default: precisionSchema.default('keep'),
  clip: clipSchema.default('minmax'),
  perTensor: z.array(quantizeRuleSchema, { error: 'must be a list of {match, precision, clip?}' }).default([]),
  skip: z.array(matchSchema, { error: 'must be a list of tensor names or patterns' }).default([]),
  /** Which level each weight takes on the per-tensor grid: the nearest, or error-compensating (needs data). */
  method: z.enum(['nearest', 'gptq'], { error: 'must be "nearest" or "gptq"' }).default('nearest'),
  equalize: z.boolean({ error: 'must be true or false' }).optional(),
  biasCorrection: z.boolean({ error: 'must be true or false' }).optional(),
  /**
   * "gptq" only. true (the default): each layer's statistics are gathered on the model with every earlier layer
   * already rounded, so later layers compensate what earlier ones lost (one pass over the data per layer). false:
   * every layer's from one pass over the model as the step found it, as GPTQ's reference code does without
   * --true-sequential: one pass instead of one per layer, and statistics a search reuses across its candidates.
   */
  sequential: z.boolean({ error: 'must be true or false' }).optional(),
  data: dataRole('calibration').optional(),
  /** Calibration samples "gptq" uses, from the start of the data (default 512). */
  samples: whole('a whole number of calibration samples, at least 1', 1).optional(),
}, OBJ);

export const pruneChannelsStepSchema = z.strictObject({
  step: z.literal('prune-channels'),
  ratio: fraction,
  criterion: z.enum(['l1', 'l2', 'bn-scale', 'activation'], { error: 'must be "l1", "l2", "bn-scale" or "activation"' }).default('l1'),
  perGroup: z.array(z.strictObject({ match: matchSchema, ratio: fraction }, OBJ), { error: 'must be a list of {match, ratio}' }).default([]),
  roundTo: z.union([z.literal(1), z.literal(4), z.literal(8)], { error: 'must be 1, 4 or 8' }).default(1),
  data: dataRole('calibration').optional(),
  /** Refit the layers that read removed channels by least squares on calibration data (needs `data`). */
  compensate: z.boolean({ error: 'must be true or false' }).optional(),
  /** Calibration samples the activation criterion and compensation use, from the start of the data (default 512). */
  samples: whole('a whole number of calibration samples, at least 1', 1).optional(),
  /** Ridge strength of the refit, relative to each Gram matrix's mean diagonal (default 0.01; 0: plain least squares). */
  ridge: z.number({ error: 'must be a number from 0 up' }).min(0, { error: 'must be a number from 0 up' }).optional(),
}, OBJ);

export const finetuneStepSchema = z.strictObject({
  step: z.literal('finetune'),
  data: dataRole('training'),
  epochs: whole('a whole number of epochs, at least 1', 1),
  batch: whole('a whole batch size, at least 1', 1).default(64),
  learningRate: positive.default(0.001),
  seed: seed.default(1),
  /**
   * Gradual pruning: global magnitude sparsity over the prunable tensors rising from `from` to `to` on the cubic
   * schedule of Zhu & Gupta, reached at `until` of the steps (default 0.75), pruning every `every` steps (default:
   * about 30 updates). The result has exactly round(to * n) zeros.
   */
  sparsity: z.strictObject({
    from: fraction,
    to: fraction,
    until: z.number({ error: 'must be a fraction of the training steps, above 0 and at most 1' }).gt(0, { error: 'must be a fraction of the training steps, above 0 and at most 1' }).max(1, { error: 'must be a fraction of the training steps, above 0 and at most 1' }).optional(),
    every: whole('a whole number of steps, at least 1', 1).optional(),
  }, OBJ).optional(),
  /**
   * Distillation from a teacher: with labels alpha * teacher loss + (1 - alpha) * label loss, without labels the
   * teacher's alone. `loss`: "soft-targets" (class scores, at `temperature`, scaled by T^2; the default for a model
   * ending in softmax), "mse" or "cosine" (outputs that are not class scores; "mse" is the default for those).
   * `teacher`: "source" (the original model, the default) or "input" (the model as this step receives it).
   */
  distill: z.strictObject({
    temperature: positive,
    alpha: fraction,
    loss: z.enum(['soft-targets', 'mse', 'cosine'], { error: 'must be "soft-targets", "mse" or "cosine"' }).optional(),
    teacher: z.enum(['source', 'input'], { error: 'must be "source" or "input"' }).optional(),
  }, OBJ).optional(),
  /** Training samples held out to pick the best checkpoint when no validation data is given (default 0.1). */
  validation: z.number({ error: 'must be a fraction from 0 to 0.5' }).min(0, { error: 'must be a fraction from 0 to 0.5' }).max(0.5, { error: 'must be a fraction from 0 to 0.5' }).optional(),
  /** Stop after this many epochs without a better validation score (default: train every epoch). */
  patience: whole('a whole number of epochs, at least 1', 1).optional(),
  /**
   * Train only the first `stopAfter` of the `epochs` (at most `epochs`), everything else as if all of them ran: the
   * gradual schedule spans all `epochs`. How a run stopped early is recorded so it can be built again exactly.
   */
  stopAfter: whole('a whole number of epochs, at least 1', 1).optional(),
}, OBJ);

export const retargetStepSchema = z.strictObject({
  step: z.literal('retarget'),
  data: dataRole('training'),
  /** The layer whose output the new head reads (default: the last pooling or flatten layer before the classifier). */
  cut: matchSchema.optional(),
  epochs: whole('a whole number of epochs, at least 1', 1).default(20),
  batch: whole('a whole batch size, at least 1', 1).default(32),
  learningRate: positive.default(0.001),
  seed: seed.default(1),
  /** Units of a ReLU layer between the features and the classes' softmax; 0 for a softmax directly on the features. */
  hidden: whole('a whole number of hidden units (0 for none)', 0, 65536).default(0),
  /** Share of each class's samples kept apart to choose the best epoch (never trained on). */
  validationSplit: z.number({ error: 'must be a number from 0 to 0.9' }).min(0, { error: 'must be a number from 0 to 0.9' }).max(0.9, { error: 'must be a number from 0 to 0.9' }).default(0.2),
  /**
   * After the head: train the top `layers` weight-bearing backbone layers below the cut with it, at a small
   * learning rate (layers models; batch norms keep their statistics). Kept only when it does better on the
   * held-apart samples.
   */
  unfreeze: z.strictObject({
    layers: whole('a whole number of layers, at least 1', 1, 1000),
    epochs: whole('a whole number of epochs, at least 1', 1).default(5),
    learningRate: positive.default(0.0001),
  }, OBJ).optional(),
}, OBJ);

/**
 * `fuse`: folds batch norms into the kernels before them, then (by default, `format` left out or "graph-model")
 * writes a graph model whose convolutions and matrix products run with bias and activation fused, which stock
 * `tf.loadGraphModel` loads; "layers-model" only folds and keeps a layers model for `tf.loadLayersModel`. The
 * default is the graph because fused activations exist only there, and they are most of the speed.
 */
export const fuseStepSchema = z.strictObject({
  step: z.literal('fuse'),
  format: z.enum(['graph-model', 'layers-model'], { error: 'must be "graph-model" or "layers-model"' }).optional(),
}, OBJ);

export const stepSchema = z.discriminatedUnion(
  'step',
  [pruneStepSchema, quantizeStepSchema, pruneChannelsStepSchema, finetuneStepSchema, retargetStepSchema, fuseStepSchema],
  // The discriminator's own message; schema.ts turns it into "... must be one of ...; found ...".
  { error: (issue) => (issue.code === 'invalid_union' ? 'unknown step' : undefined) },
);

export type PruneRule = z.output<typeof pruneRuleSchema>;
export type QuantizeRule = z.output<typeof quantizeRuleSchema>;
export type PruneStep = z.output<typeof pruneStepSchema>;
export type QuantizeStep = z.output<typeof quantizeStepSchema>;
export type PruneChannelsStep = z.output<typeof pruneChannelsStepSchema>;
export type FinetuneStep = z.output<typeof finetuneStepSchema>;
export type RetargetStep = z.output<typeof retargetStepSchema>;
export type FuseStep = z.output<typeof fuseStepSchema>;
export type Step = z.output<typeof stepSchema>;
/** A step as written (defaults may be left out). */
export type StepInput = z.input<typeof stepSchema>;

