/**
 * `pare optimize <model> --out <dir>`: applies a recipe (from --recipe and/or flags) to a model and writes the
 * export — model.json + shards in the input's format, or one zip — then prints what it did: sizes before and
 * after, achieved sparsity overall and per tensor, and how each tensor is stored.
 *
 * It runs about as fast as its kernels: sizes over the wire (gzip, the slow part) are measured only with
 * --gzip-sizes, and then with native zlib in parallel with the recipe; arrays the rest of the command does not need
 * (the input files, the joined input shards, the variant's decoded values) are let go as soon as it can.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PareError, type PareWarning } from '../errors';
import { exportVariant, zipExport, type ExportFile } from '../export/index';
import { sourcePieces } from '../export/sizes';
import { openModel } from '../formats/index';
import type { OpenedModel } from '../model/types';
import { applyRecipe } from '../recipe/apply';
import { dataRolesOf, describeRecipe, emptyRecipe, parseRecipe, parseRecipeText, precisionText, recipeHash, type ClipMethod, type Precision, type Recipe, type StepInput } from '../recipe/schema';
import type { TensorStats, Variant } from '../recipe/variant';
import { progressLine, type ProgressLine } from './progress-line';
import { UsageError } from './usage';
import { formatStored } from '../text/wording';
import { WIRE_GZIP, wireGzipBytes } from './wire-sizes';
import { onePositional, parseCommandArgs } from './args';
import type { CliIO, Command } from './command';
import { readInput } from './read-input';
import { checkOutOverlap, writeOutputFiles } from './write-output';
import { useBackend } from './backend';
import { splitDataPaths } from './eval-data';
import { openRecipeData } from './recipe-data';
import type { RecipeData } from '../recipe/run/context';
import type { TrainProgress } from '../train/types';
import { count, textTable } from './text-table';
import { measureOnValidation, renderTraining, trainingReporter, type TrainingReport, type ValidationFigures } from './optimize-training';

const QUANTIZE = ['keep', 'none', 'float16', 'uint16', 'uint8'] as const;
const CLIPS = ['minmax', 'percentile', 'mse'] as const;

/** The flags that change the recipe, as typed on the command line. */
export interface RecipeFlags {
  sparsity?: string;
  quantize?: string;
  bits?: string;
  clip?: string;
  /** --fuse: add a fuse step (fold batch norms, write a fused graph model) when the recipe has none. */
  fuse?: boolean;
}

function parseSparsity(text: string): number {
  const pct = text.endsWith('%');
  const n = Number(pct ? text.slice(0, -1) : text) / (pct ? 100 : 1);
  if (text.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) {
    throw new PareError('bad-options', `--sparsity must be a number from 0 to 1 (or a percentage like 50%); found '${text}'.`);
  }
  return n;
}

/**
 * The recipe `pare optimize` runs: `base` (from --recipe, or the empty recipe) with the flags laid over it.
 * Flags override: --sparsity replaces the global target (and a per-tensor `default`) of the last prune step,
 * keeping its per-tensor rules; --quantize / --bits replace the quantize step's `default`; --clip its `clip`.
 * A step a flag needs and the recipe lacks is added: a prune step just before quantization, a quantize step at the
 * end; --fuse adds a fuse step just before quantization when the recipe has none. Per-tensor rules, skip lists and
 * other steps of the recipe file stay.
 */
export function recipeFromFlags(base: Recipe, flags: RecipeFlags): Recipe {
  const steps: StepInput[] = structuredClone(base.steps);
  const quantizeAt = () => steps.findIndex((s) => s.step === 'quantize');
  if (flags.sparsity !== undefined) {
    const sparsity = parseSparsity(flags.sparsity);
    const last = steps.map((s) => s.step).lastIndexOf('prune');
    if (last >= 0) {
      const { default: _replaced, ...prune } = steps[last] as Extract<StepInput, { step: 'prune' }>;
      steps[last] = { ...prune, sparsity };
    } else {
      const q = quantizeAt();
      steps.splice(q >= 0 ? q : steps.length, 0, { step: 'prune', sparsity });
    }
  }
  let precision: Precision | undefined;
  if (flags.quantize !== undefined) {
    if (!(QUANTIZE as readonly string[]).includes(flags.quantize)) {
      throw new PareError('bad-options', `--quantize must be one of ${QUANTIZE.join(', ')}; found '${flags.quantize}'. For fewer bits use --bits 2..8.`);
    }
    precision = flags.quantize as Precision;
  }
  if (flags.bits !== undefined) {
    const bits = Number(flags.bits);
    if (!Number.isInteger(bits) || bits < 2 || bits > 8) {
      throw new PareError('bad-options', `--bits must be a whole number from 2 to 8; found '${flags.bits}'. For 16 bits use --quantize uint16.`);
    }
    if (precision !== undefined && !(precision === 'uint8' && bits === 8)) {
      throw new PareError('bad-options', `--bits ${bits} and --quantize ${flags.quantize} ask for two different precisions; give one of them.`);
    }
    precision = { bits };
  }
  if (flags.clip !== undefined && !(CLIPS as readonly string[]).includes(flags.clip)) {
    throw new PareError('bad-options', `--clip must be one of ${CLIPS.join(', ')}; found '${flags.clip}'.`);
  }
  if (flags.fuse && !steps.some((s) => s.step === 'fuse')) {
    const q = quantizeAt();
    steps.splice(q >= 0 ? q : steps.length, 0, { step: 'fuse' });
  }
  if (precision !== undefined || flags.clip !== undefined) {
    if (quantizeAt() < 0) steps.push({ step: 'quantize' });
    const q = steps[quantizeAt()] as Extract<StepInput, { step: 'quantize' }>;
    if (precision !== undefined) q.default = precision;
    if (flags.clip !== undefined) q.clip = flags.clip as ClipMethod;
  }
  return parseRecipe({ ...base, steps });
}

async function loadRecipeFile(path: string): Promise<Recipe> {
  const text = await readFile(path, 'utf8').catch((e: NodeJS.ErrnoException) => {
    throw new PareError('bad-options', `Cannot read the recipe '${path}' (${e.code ?? e.message}).`, { file: path });
  });
  return parseRecipeText(text, path);
}

/** Refuses to write the export over the model it was made from. */
async function checkOutDir(input: string, out: string): Promise<void> {
  await checkOutOverlap([input], out);
  const outInfo = await stat(out).catch(() => null);
  if (outInfo && !outInfo.isDirectory()) {
    throw new PareError('bad-options', `--out '${out}' is a file; it must be a folder (created if missing).`);
  }
}

/** Shard files in `dir` that this export did not write: left from an earlier export, they would confuse a reader. */
async function leftoverShards(dir: string, written: Set<string>): Promise<string[]> {
  const names = await readdir(dir);
  return names.filter((n) => /^group\d+-shard\d+of\d+(\.bin)?$/.test(n) && !written.has(n)).sort();
}

/** Sizes in bytes of the input or the export. */
export interface SizeSummary {
  modelJsonBytes: number;
  weightBytes: number;
  /** Sum of each shard's gzip size (see OptimizeSummary.gzip); only with --gzip-sizes. */
  weightGzipBytes?: number;
  totalBytes: number;
}

export interface OptimizeSummary {
  input: { path: string; file: string; format: OpenedModel['format'] };
  out: string;
  /** The export's format: the input's, unless a fuse step wrote a graph model. */
  format: OpenedModel['format'];
  files: { name: string; bytes: number }[];
  recipe: Recipe;
  recipeHash: string;
  description: string;
  /** How the gzip sizes were measured, per 4 MB shard; null when they were not asked for (--gzip-sizes). */
  gzip: { library: string; level: number } | null;
  sizes: { before: SizeSummary; after: SizeSummary };
  sparsity: { prunableParams: number; pruned: number; final: number };
  tensors: TensorStats[];
  /** Each finetune step's epochs and kept checkpoint (absent without training). */
  training?: TrainingReport[];
  /** The final model measured on the --val data (absent without --val). */
  validation?: ValidationFigures;
  warnings: PareWarning[];
  /** What a retarget step made: the new classes, the cut, validation accuracy per epoch and at the epoch kept. */
  retarget?: Variant['retarget'];
}

/** What the summary needs of a variant once its weights are written: its statistics, not its arrays. */
type VariantReport = Pick<Variant, 'stats' | 'warnings' | 'format' | 'retarget'>;

function summaryOf(
  path: string,
  out: string,
  model: OpenedModel,
  recipe: Recipe,
  variant: VariantReport,
  sizes: { before: SizeSummary; after: SizeSummary },
  gzip: OptimizeSummary['gzip'],
  files: { name: string; bytes: number }[],
  warnings: PareWarning[],
): OptimizeSummary {
  return {
    input: { path, file: model.modelJsonName, format: model.format },
    out,
    format: variant.format,
    files,
    recipe,
    recipeHash: recipeHash(recipe),
    description: describeRecipe(recipe),
    gzip,
    sizes,
    sparsity: { prunableParams: variant.stats.prunableParams, pruned: variant.stats.prunedSparsity, final: variant.stats.sparsity },
    tensors: variant.stats.tensors,
    warnings,
    ...(variant.retarget ? { retarget: variant.retarget } : {}),
  };
}

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
const ratio = (before: number, after: number): string =>
  after === before ? 'same' : after === 0 ? '-' : after < before ? `${(before / after).toFixed(2)}x smaller` : `${(after / before).toFixed(2)}x larger`;

/** The human-readable summary. */
export function renderSummary(s: OptimizeSummary): string {
  const { before, after } = s.sizes;
  const rows: [string, number, number][] = [
    ['model JSON', before.modelJsonBytes, after.modelJsonBytes],
    ['weights', before.weightBytes, after.weightBytes],
    ...(s.gzip && before.weightGzipBytes !== undefined && after.weightGzipBytes !== undefined
      ? [[`weights gzip -${s.gzip.level}`, before.weightGzipBytes, after.weightGzipBytes] as [string, number, number]]
      : []),
    ['total', before.totalBytes, after.totalBytes],
  ];
  const lines = [
    `${s.input.file} (${s.input.format}) -> ${s.out}${s.format !== s.input.format ? ` (${s.format})` : ''}`,
    `recipe: ${s.description}  [${s.recipeHash}]`,
    '',
    textTable<[string, number, number]>(
      [
        { title: 'bytes', value: (r) => r[0] },
        { title: 'before', value: (r) => count(r[1]), align: 'right' },
        { title: 'after', value: (r) => count(r[2]), align: 'right' },
        { title: '', value: (r) => ratio(r[1], r[2]) },
      ],
      rows,
    ),
    ...(s.gzip ? [`gzip sizes: each shard on its own, ${s.gzip.library} level ${s.gzip.level}`] : ['sizes over the wire (gzip): add --gzip-sizes']),
    '',
    ...(s.retarget ? [retargetText(s.retarget), ''] : []),
    `sparsity: ${pct(s.sparsity.final)} of ${count(s.sparsity.prunableParams)} prunable weights are zero` +
      (s.sparsity.final !== s.sparsity.pruned ? ` (${pct(s.sparsity.pruned)} from pruning, the rest rounded to zero when quantized)` : ''),
    '',
    textTable<TensorStats>(
      [
        { title: 'tensor', value: (t) => t.name, max: 56 },
        { title: 'params', value: (t) => count(t.params), align: 'right' },
        { title: 'prunable', value: (t) => (t.prunable ? 'yes' : '-') },
        { title: 'target', value: targetText, align: 'right' },
        { title: 'zeros', value: (t) => (t.params ? pct(t.sparsity) : '-'), align: 'right' },
        { title: 'stored', value: formatStored },
        { title: 'bytes', value: (t) => `${count(t.bytesBefore)} -> ${count(t.bytesAfter)}`, align: 'right' },
      ],
      s.tensors,
    ),
    ...renderTraining(s.training ?? [], s.validation ?? null),
    '',
    `wrote ${s.files.map((f) => f.name).join(', ')}`,
  ];
  for (const w of s.warnings) lines.push(`warning: ${w.message}`);
  return lines.join('\n');
}

/** The retarget step's outcome in two lines: the classes and the cut, then the validation accuracy. */
function retargetText(r: NonNullable<Variant['retarget']>): string {
  const classes = `${r.labels.length} classes (${r.labels.join(', ')}) from ${r.classSource === 'labels-file' ? 'a labels file' : r.classSource}`;
  const shape = `[${r.cut.shape.map((d) => d ?? 'null').join(', ')}]`;
  const head = r.hidden ? `a ${r.hidden}-unit ReLU layer and a softmax` : 'a softmax';
  const v = r.validation;
  const val = v
    ? `validation accuracy: ${pct(v.accuracy)} of ${count(v.samples)} held-apart images (epoch ${v.bestEpoch} of ${r.history.length}, kept as the best)`
    : 'validation accuracy: none (too few images to hold some apart)';
  return `retarget: ${classes}; head (${head}) on '${r.cut.layer}' ${shape}, trained on ${count(r.trainSamples)} images\n${val}`;
}

/** A global target holds over all globally pruned tensors together, not for each one: say so. */
function targetText(t: TensorStats): string {
  if (t.targetSparsity === null) return '-';
  return t.pruneMode === 'global' ? `${pct(t.targetSparsity)} global` : pct(t.targetSparsity);
}

export const optimizeCommand: Command = {
  name: 'optimize',
  summary: 'Prune and quantize a model by a recipe and write the smaller model (or a zip).',
  help: `Usage: pare optimize <model.json | folder | model.zip> --out <dir> [options]

Applies a recipe to a TF.js model and writes the result to <dir> as model.json + weight shards of at most 4 MB
(group1-shardNofM.bin) in the input's own format, which stock tf.loadLayersModel / tf.loadGraphModel load
unchanged. The recipe is recorded in model.json under userDefinedMetadata.pare. The same model and options
always give byte-identical files.

Options:
  --out <dir>          Folder to write to (created if missing; not the input's folder nor inside it).
  --sparsity <s>       Global magnitude pruning: one |w| threshold over all prunable tensors (kernels and weight
                       matrices), leaving exactly round(s * n) of their n weights zero. 0..1 or a percentage (50%).
  --quantize <p>       How float32 weights are stored: keep (as the input stored them; the default), none
                       (float32), float16, uint16 or uint8 (affine, as tensorflowjs_converter).
  --bits <n>           Low-bit affine quantization with 2^n levels, n from 2 to 8, stored as uint8 codes (stock
                       TF.js loads them as uint8; over gzip they cost about their entropy).
  --clip <method>      Range of affine quantization: minmax (the converter's, default), percentile or mse
                       (clip rare outliers for finer steps).
  --recipe <file>      A recipe JSON file ({"pare": "recipe", "version": 2, "steps": [...]}, see the README;
                       version 1 files are read too): steps with per-tensor rules, patterns and skip lists.
                       Flags given with it override it: --sparsity replaces the last prune step's target,
                       --quantize/--bits the quantize step's default precision, --clip its clip; rules stay.
  --fuse               Fold batch norms into the convolutions before them and write a graph model whose
                       convolutions and matrix products run with bias and activation fused (load it with
                       tf.loadGraphModel): faster inference, the same outputs. Adds {"step": "fuse"} before
                       quantization; a recipe's own fuse step (e.g. "format": "layers-model") wins.
  --data <path...>     Data for the recipe's steps that name it ("data": "calibration" or "training"): an image
                       folder, a zip, a CSV, or an IDX images file and its labels file. Pruning with "method":
                       "obs" or "wanda" and quantizing with "method": "gptq" calibrate on its first samples (see
                       "samples"). A "retarget" step (transfer learning) learns the classes of this data: one
                       folder of images per class (or a labels file), with a share held apart for validation.
  --val <path...>      Held-out data for "finetune" steps (same kinds as --data): picks the best checkpoint
                       instead of a split of the training data, and the final model's accuracy on it is printed.
                       A "finetune" step trains on --data ("data": "training"); progress goes to stderr.
  --zip                Write one <dir>/model.zip holding model.json and the shards, instead of loose files.
  --gzip-sizes         Also measure sizes over the wire: the sum of each 4 MB shard's gzip size (${WIRE_GZIP.library}
                       level ${WIRE_GZIP.level}), before and after, what the weights cost from a server that compresses.
                       Compressing takes longer than the recipe, so it is done only when asked.
  --json               Print the summary as JSON: input, files, recipe, sizes before and after, sparsity overall
                       and per tensor, stored dtype per tensor, warnings.
  -h, --help           Show this help.

Progress is shown on stderr when it is a terminal. Quantization and unstructured pruning make files smaller, not
inference faster; --fuse makes inference faster.

Examples:
  npm run pare -- optimize .fixtures/real/human-emotion --out out/emotion --sparsity 0.5 --quantize uint8
  npm run pare -- optimize model.json --out small --recipe recipe.json --bits 4 --gzip-sizes --zip --json
  npm run pare -- optimize public/samples/fashion-mlp --out out/obs --recipe obs-gptq.json \
      --data /usr/share/datasets/fashion-mnist/train-{images-idx3,labels-idx1}-ubyte.gz
  npm run pare -- optimize public/samples/fashion-mlp --out out/recovered --recipe finetune.json \
      --data /usr/share/datasets/fashion-mnist/train-{images-idx3,labels-idx1}-ubyte.gz \
      --val /usr/share/datasets/fashion-mnist/t10k-{images-idx3,labels-idx1}-ubyte.gz
  npm run pare -- optimize public/samples/fashion-cnn --out out/mine --data my-images/ \
      --recipe retarget.json   # {"pare": "recipe", "version": 2, "steps": [{"step": "retarget", "data": "training"}]}`,

  async run(argv: string[], io: CliIO): Promise<number> {
    const { rest: afterData, data: dataPaths } = splitDataPaths(argv);
    const { rest: args, data: valPaths } = splitDataPaths(afterData, '--val');
    const { values, positionals } = parseCommandArgs('optimize', args, {
      out: { type: 'string' },
      sparsity: { type: 'string' },
      quantize: { type: 'string' },
      bits: { type: 'string' },
      clip: { type: 'string' },
      recipe: { type: 'string' },
      fuse: { type: 'boolean' },
      zip: { type: 'boolean' },
      'gzip-sizes': { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) {
      io.out(this.help + '\n');
      return 0;
    }
    const path = onePositional('optimize', positionals, 'model path (a model JSON file, a folder or a .zip)');
    if (!values.out) throw new UsageError(`'pare optimize' needs --out <dir>, the folder to write the smaller model to.`, 'optimize');
    const out = values.out;
    const base = values.recipe !== undefined ? await loadRecipeFile(values.recipe) : emptyRecipe();
    const recipe = recipeFromFlags(base, values);
    const wantGzip = values['gzip-sizes'] === true;
    const progress = progressLine(io);
    try {
      progress.show(`reading ${path}`, true);
      const model = await openInput(path, out, wantGzip);
      // The input's gzip size compresses on zlib's thread pool while this thread applies the recipe.
      const beforeGzip = wantGzip ? wireGzipBytes(sourcePieces(model)) : undefined;
      beforeGzip?.catch(() => {}); // awaited below; if the recipe fails first, its error is the one to report
      const roles = dataRolesOf(recipe);
      let data: RecipeData | undefined;
      if (roles.length && dataPaths) {
        progress.show('opening the data', true);
        data = await openRecipeData(dataPaths, model, { newClasses: recipe.steps.some((s) => s.step === 'retarget') });
        // Steps that run the model (calibration, training) run where the studio's do: on wasm.
        await useBackend('wasm');
      } else if (dataPaths) {
        throw new PareError('bad-options', `--data was given, but no step of the recipe uses data (add "data": "calibration" to a step, with a method that uses it).`);
      }
      let val: RecipeData | undefined;
      if (valPaths) {
        if (!recipe.steps.some((s) => s.step === 'finetune')) throw new PareError('bad-options', `--val was given, but the recipe has no "finetune" step to validate.`);
        progress.show('opening the validation data', true);
        val = await openRecipeData(valPaths, model);
      }
      const training = trainingReporter(io, progress, (where) => recipe.steps[Number(/\[(\d+)\]/.exec(where)?.[1])]?.step ?? 'training');
      const made = await makeExport(model, recipe, progress, data, val, training.onTraining);
      progress.show(`writing ${out}`, true);
      const output = values.zip ? [{ name: 'model.zip', data: zipExport(made.files) }] : made.files;
      await writeOutputFiles(out, output);

      // The input's own weights: a fuse step drops batch norms, a retarget the input's head.
      const weightBytesBefore = model.weights.reduce((n, w) => n + w.storedBytes, 0);
      const before: SizeSummary = {
        modelJsonBytes: model.modelJsonBytes,
        weightBytes: weightBytesBefore,
        totalBytes: model.modelJsonBytes + weightBytesBefore,
      };
      const after: SizeSummary = { ...made.sizes };
      if (beforeGzip) {
        progress.show('measuring sizes over the wire (gzip)', true);
        after.weightGzipBytes = await wireGzipBytes(made.files.slice(1).map((f) => f.data));
        before.weightGzipBytes = await beforeGzip;
      }
      const warnings = [...model.warnings, ...made.warnings];
      if (!values.zip) {
        const stale = await leftoverShards(out, new Set(output.map((f) => f.name)));
        if (stale.length) {
          warnings.push({
            code: 'note',
            message: `${out} also holds ${stale.join(', ')} from an earlier export; model.json does not use ${stale.length === 1 ? 'it' : 'them'}.`,
          });
        }
      }
      const files = output.map((f) => ({ name: f.name, bytes: f.data.byteLength }));
      const summary = summaryOf(path, out, model, recipe, made, { before, after }, wantGzip ? { ...WIRE_GZIP } : null, files, warnings);
      if (training.reports.length) summary.training = training.reports;
      if (made.validation) summary.validation = made.validation;
      progress.clear();
      io.out((values.json ? JSON.stringify(summary, null, 2) : renderSummary(summary)) + '\n');
      return 0;
    } finally {
      progress.clear();
    }
  },
};

/**
 * Reads and opens the input. The files as read are not kept, and neither is the model's reference to its joined
 * shard bytes unless the input's gzip size is wanted: plain weights are views of those bytes and keep them alive
 * anyway, but quantized inputs need them only until their weights are decoded, early in the recipe.
 */
async function openInput(path: string, out: string, keepBytes: boolean): Promise<OpenedModel> {
  const files = await readInput(path);
  await checkOutDir(path, out);
  const model = await openModel(files);
  return keepBytes ? model : { ...model, artifacts: { ...model.artifacts, weightData: undefined } };
}

/**
 * Applies the recipe and lays out the export. Returns the files and the variant's statistics only, so that the
 * variant's decoded float32 values (as large as the model) can be collected before the files are written.
 */
async function makeExport(
  model: OpenedModel,
  recipe: Recipe,
  progress: ProgressLine,
  data?: RecipeData,
  val?: RecipeData,
  onTraining?: (p: TrainProgress, where: string) => void,
): Promise<VariantReport & { files: ExportFile[]; sizes: SizeSummary; validation?: ValidationFigures }> {
  progress.show('applying the recipe', true);
  const variant = await applyRecipe(model, recipe, {
    // One data set serves every role a step names (calibration, training); --val is held out for training.
    ...(data || val ? { data: { ...(data ? { calibration: data, training: data } : {}), ...(val ? { validation: val } : {}) } } : {}),
    onProgress: (p) => progress.show(`applying the recipe: ${p.done}/${p.total}${p.tensor ? ` ${p.tensor}` : ''}`),
    onTraining,
  });
  const result = exportVariant(model, variant, recipe);
  const { modelJsonBytes, weightBytes, totalBytes } = result.sizes;
  if (val) progress.show('measuring the final model on --val', true);
  const validation = val ? await measureOnValidation(model, variant, val.dataset) : undefined;
  return { files: result.files, sizes: { modelJsonBytes, weightBytes, totalBytes }, stats: variant.stats, warnings: variant.warnings, format: variant.format, retarget: variant.retarget, ...(validation ? { validation } : {}) };
}
