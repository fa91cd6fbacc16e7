/**
 * Sensitivity analysis: how much each prunable tensor alone costs when it is pruned (by magnitude, to several
 * sparsities) or quantized (to several bit widths), every other tensor left as it is. Measured on a slice of the
 * user's data: accuracy with labels, and always agreement and cosine against the original, so models without
 * labels (embeddings, detectors) get a figure too. Rows are reported one tensor at a time as they are done, and a
 * cancelled analysis returns the rows it finished.
 *
 * Each setting goes through the same recipe pipeline a variant does (exact sparsity, converter-exact storage), and
 * the changed tensor alone is swapped into the loaded model, so a row costs evaluations, not reloads (layers
 * models; graph models are reloaded per setting).
 */
import * as tf from '@tensorflow/tfjs';
import { PareError } from '../errors';
import type { Dataset } from '../evaluate/dataset';
import { sliceDataset } from '../evaluate/dataset-slice';
import { evaluateModel } from '../evaluate/evaluate';
import { ReferenceOutputs } from '../evaluate/reference-outputs';
import type { AnyModel } from '../evaluate/run-model';
import { loadTfModel } from '../model/load-tf';
import type { OpenedModel, WeightEntry } from '../model/types';
import { applyRecipe } from '../recipe/apply';
import { bytesOf, concatBytes } from '../bytes';
import { parseRecipe, type StepInput } from '../recipe/schema';

export type SensitivitySetting = { kind: 'prune'; sparsity: number } | { kind: 'quantize'; bits: number };

export interface SensitivityPoint {
  setting: SensitivitySetting;
  /** Top-1 accuracy with this tensor alone changed, when the data is labelled. */
  accuracy: number | null;
  /** Top-1 agreement and mean cosine of the outputs against the original, on the same samples. */
  agreement: number;
  cosine: number;
}

export interface SensitivityRow {
  tensor: string;
  params: number;
  points: SensitivityPoint[];
  /**
   * One number to sort by, larger is more sensitive: the largest accuracy drop over the settings, in points, with
   * labels; without, the largest loss of cosine (1 - cosine) times 100.
   */
  score: number;
}

export interface SensitivityResult {
  original: { accuracy: number | null };
  rows: SensitivityRow[];
  /** What was measured on: "samples 1–256 of ...". */
  data: string;
  /** False when cancelled: `rows` then holds the tensors finished. */
  complete: boolean;
  durationMs: number;
}

export interface SensitivityOptions {
  /** Sparsities each tensor is pruned to on its own (default 0.5, 0.7, 0.9). */
  sparsities?: number[];
  /** Bit widths each tensor is stored in on its own (default 8, 4, 3, 2). */
  bits?: number[];
  /** Samples from the start of the data (default 256). */
  samples?: number;
  /** Only these tensors (default every prunable one). */
  tensors?: string[];
  signal?: AbortSignal;
  /** Each row as soon as it is done, with how many tensors are done of how many. */
  onRow?: (row: SensitivityRow, done: number, total: number) => void;
}

export const DEFAULT_SENSITIVITY_SPARSITIES = [0.5, 0.7, 0.9];
export const DEFAULT_SENSITIVITY_BITS = [8, 4, 3, 2];

/** The one-tensor recipe of a setting: an exact-name rule, so no other tensor changes. */
function settingSteps(name: string, s: SensitivitySetting): StepInput[] {
  return s.kind === 'prune'
    ? [{ step: 'prune', perTensor: [{ match: name, sparsity: s.sparsity }] }]
    : [{ step: 'quantize', perTensor: [{ match: name, precision: s.bits === 8 ? 'uint8' : { bits: s.bits } }] }];
}

function scoreOf(points: SensitivityPoint[], original: number | null): number {
  if (original !== null) return Math.max(0, ...points.map((p) => (original - (p.accuracy ?? original)) * 100));
  return Math.max(0, ...points.map((p) => (1 - p.cosine) * 100));
}

/** Swaps weights into a loaded model: in place for layers models, by reloading for graph models. */
interface Swapper {
  model(): AnyModel;
  set(weight: WeightEntry, values: WeightEntry['values']): Promise<void>;
  dispose(): void;
}

async function swapperFor(source: OpenedModel): Promise<Swapper> {
  let loaded = await loadTfModel(source.artifacts, source.format);
  if (source.format === 'layers-model') {
    const variables = new Map((loaded as tf.LayersModel).weights.map((v) => [v.originalName, v]));
    return {
      model: () => loaded,
      async set(weight, values) {
        const v = variables.get(weight.name);
        if (!v) throw new PareError('unsupported', `'${weight.name}' is not a variable of the model TF.js loads, so its sensitivity cannot be measured.`);
        // The variable takes the new tensor's data (a reference, counted); the tensor itself can go.
        tf.tidy(() => void v.write(tf.tensor(values, [...weight.shape], v.dtype)));
      },
      dispose: () => loaded.dispose(),
    };
  }
  return {
    model: () => loaded,
    async set(weight, values) {
      const weights = source.weights.map((w) => (w.name === weight.name ? values : w.values));
      loaded.dispose();
      loaded = await loadTfModel(
        { ...source.artifacts, weightSpecs: source.weights.map((w) => ({ name: w.name, shape: [...w.shape], dtype: w.dtype })), weightData: concatBytes(weights.map(bytesOf)).buffer },
        source.format,
      );
    },
    dispose: () => loaded.dispose(),
  };
}

/**
 * Measures every prunable tensor's sensitivity to pruning and to quantization, on its own.
 * @example
 *   const { rows } = await sensitivity(model, data, { onRow: (row) => console.log(row.tensor, row.score) });
 */
export async function sensitivity(model: OpenedModel, data: Dataset, options: SensitivityOptions = {}): Promise<SensitivityResult> {
  const started = performance.now();
  const sparsities = options.sparsities ?? DEFAULT_SENSITIVITY_SPARSITIES;
  const bits = options.bits ?? DEFAULT_SENSITIVITY_BITS;
  const settings: SensitivitySetting[] = [
    ...sparsities.map((sparsity) => ({ kind: 'prune' as const, sparsity })),
    ...bits.map((b) => ({ kind: 'quantize' as const, bits: b })),
  ];
  const wanted = options.tensors ? new Set(options.tensors) : null;
  const tensors = model.weights.filter((w) => w.prunable && (!wanted || wanted.has(w.name)));
  if (wanted) {
    const missing = [...wanted].filter((n) => !tensors.some((t) => t.name === n));
    if (missing.length) throw new PareError('bad-options', `No prunable tensor is named '${missing[0]}'; see \`pare inspect\` for the names.`);
  }
  const slice = sliceDataset(data, 0, options.samples ?? 256, 'sensitivity');
  const reference = await loadTfModel(model.artifacts, model.format);
  // The original runs once on the slice; every setting is compared with what it gave.
  const referenceOutputs = new ReferenceOutputs(reference);
  const swapper = await swapperFor(model);
  const rows: SensitivityRow[] = [];
  const measure = async (): Promise<{ accuracy: number | null; agreement: number; cosine: number }> => {
    const r = await evaluateModel(swapper.model(), slice, { reference: referenceOutputs, signal: options.signal });
    return { accuracy: r.accuracy?.accuracy ?? null, agreement: r.fidelity!.agreement, cosine: r.fidelity!.cosine };
  };
  let original: number | null = null;
  try {
    original = (await measure()).accuracy;
    for (const weight of tensors) {
      const points: SensitivityPoint[] = [];
      for (const setting of settings) {
        if (options.signal?.aborted) throw new PareError('cancelled', 'The sensitivity analysis was cancelled.');
        const recipe = parseRecipe({ pare: 'recipe', version: 2, steps: settingSteps(weight.name, setting) });
        const variant = await applyRecipe(model, recipe, { signal: options.signal });
        await swapper.set(weight, variant.weights.find((w) => w.name === weight.name)!.values);
        points.push({ setting, ...(await measure()) });
      }
      await swapper.set(weight, weight.values);
      const row: SensitivityRow = { tensor: weight.name, params: weight.values.length, points, score: scoreOf(points, original) };
      rows.push(row);
      options.onRow?.(row, rows.length, tensors.length);
    }
    return { original: { accuracy: original }, rows, data: slice.description, complete: true, durationMs: performance.now() - started };
  } catch (e) {
    if (e instanceof PareError && e.code === 'cancelled') {
      return { original: { accuracy: original }, rows, data: slice.description, complete: false, durationMs: performance.now() - started };
    }
    throw e;
  } finally {
    swapper.dispose();
    reference.dispose();
  }
}
