/**
 * The studio worker's API, as the page sees it through Comlink. Everything here is small and structured-clonable:
 * weights stay in the worker, the page gets inventories, results and (on export) transferred bytes.
 * Errors thrown across it arrive as Errors carrying PareErrorInfo's fields ({code, message, file?, weight?});
 * the page's worker client turns them into a `StudioError`.
 *
 * Types (and one small table, JOB_ARGUMENT) only: the page imports this file, and it must not pull the core's code
 * into the main bundle.
 */
import type { PareErrorCode, PareWarning } from '../errors';
import type { SkippedItem } from '../evaluate/dataset';
import type { ClassAccuracy } from '../evaluate/metrics';
import type { DatasetSummary, SamplePreview } from '../evaluate/preview';
import type { Scale } from '../evaluate/preprocessing';
import type { ExportFile, ExportSizes } from '../export';
import type { InputFile, ModelInventory } from '../model/types';
import type { Recipe } from '../recipe/schema';
import type { VariantStats } from '../recipe/variant';
import type { HistogramPair } from '../studio/histogram';
import type { SizeEstimate } from '../studio/size-estimate';
import type { SearchTarget } from '../auto/search';
import type { SensitivityResult, SensitivityRow } from '../calibrate/sensitivity';
import type { TrainProgress } from '../train/types';
import type { ChannelEstimate } from '../structure/channel-estimate';

export type { ChannelEstimate, TrainProgress, SearchTarget, SensitivityResult, SensitivityRow, SizeEstimate, HistogramPair, DatasetSummary, SamplePreview, ExportSizes, ExportFile, VariantStats, Recipe, Scale };

/** How data is opened: the user's pixel scaling and class names instead of the stated or inferred ones. */
export interface OpenDataOptions {
  scale?: Scale;
  /**
   * Class names in output order, edited by the user: used as a labels file would be, ahead of the model's own
   * (image folders and CSV names are matched against them; integer labels keep their indices).
   */
  classNames?: string[];
}

/** How new classes are opened (the New classes panel): the share of each class held out to measure on, and the split's seed. */
export interface NewClassesOptions {
  /** Share of each class's images kept apart to measure the retargeted model on (default 0.2). */
  holdOut?: number;
  /** Seed of the per-class split (default 1): the recipe's seed, so a retrain splits the same way. */
  seed?: number;
  scale?: Scale;
}

/** One new class: its folder's name and how many images train and test it. */
export interface NewClassCount {
  name: string;
  images: number;
  training: number;
  test: number;
}

/**
 * Image folders opened as new classes: the training images (bind them as `training` for a retarget recipe) and
 * the held-out ones (measure the retargeted variant on them), both with the folders' classes, not the model's.
 */
export interface NewClassesRef {
  training: DataRef;
  test: DataRef;
  classes: NewClassCount[];
  /** A few training images of each class, as the model sees them. */
  previews: SamplePreview[];
}

/** A layer (or graph node) a new head can read from, with its output shape (batch first). */
export interface CutChoice {
  name: string;
  className: string;
  shape: (number | null)[];
  isDefault: boolean;
}

export interface CutChoices {
  /** Nearest the input first. */
  choices: CutChoice[];
  /** The core's default: the last pooling or flatten layer before the classifier; null when it found none. */
  defaultCut: string | null;
}

export type WasmBinary = 'threaded-simd' | 'simd' | 'plain';

export interface BackendInfo {
  name: 'wasm' | 'cpu' | 'webgl' | 'webgpu';
  available: boolean;
  /** e.g. 'threaded-simd, 2 threads', or why it is unavailable. */
  detail: string;
}

export interface RuntimeInfo {
  backends: BackendInfo[];
  /** The backend the worker uses for measurement by default. */
  active: string;
  wasm: { binary: WasmBinary | null; simd: boolean; threads: number; crossOriginIsolated: boolean };
  /** Version of TF.js in use. */
  tfjsVersion: string;
  /** Logical cores the platform reports (navigator.hardwareConcurrency or os.cpus()), null when unknown. */
  cores: number | null;
}

export interface OpenedModelRef {
  /** Handle for later calls; the model itself stays in the worker. */
  id: string;
  inventory: ModelInventory;
}

/**
 * An error as the page sees it: a PareError's fields, or one of the codes only the page can produce:
 * 'unreadable' (the browser could not read a chosen file or fetch a sample), 'worker-crashed' (the worker died
 * or failed to start) and 'internal' (an unexpected exception: a bug).
 */
export type StudioErrorCode = PareErrorCode | 'unreadable' | 'worker-crashed' | 'internal';

export interface StudioError {
  code: StudioErrorCode;
  message: string;
  file?: string;
  weight?: string;
}

/** What a long call is doing, reported through its progress callback (at most every ~100 ms, and at the end). */
export type JobPhase = 'apply' | 'size' | 'accuracy' | 'fidelity' | 'latency' | 'export' | 'data' | 'search' | 'sensitivity' | 'train';

export interface JobProgress {
  phase: JobPhase;
  done: number;
  total: number;
  /** Estimated time left in this phase, when known. */
  etaMs: number | null;
  /** A result streamed while the job runs (never throttled away), for live tables and charts. */
  streamed?:
    | { kind: 'sensitivity-row'; row: SensitivityRow }
    /** A training step's progress (`where` names the step, 'recipe.steps[0]'): batches throttled, epochs never. */
    | { kind: 'training'; where: string; progress: TrainProgress };
}

export type ProgressCallback = (progress: JobProgress) => void;

/**
 * What a long call takes besides its arguments: `signal` stops the work (the core checks it between tensors,
 * batches and steps) and the call then rejects with code 'cancelled'. A signal cannot cross to the worker, and
 * Comlink proxies only top-level functions, so the page's worker client sends two arguments in this one's place:
 * a call id (aborted with `abortCalls`) and the progress callback. See call-signals.ts.
 */
export interface JobOptions {
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
  /** Training calls only: ends training early, keeping the best checkpoint, and the call resolves with it. */
  stop?: AbortSignal;
}

/**
 * A variant the worker built and keeps: `id` is its handle for measure, histogram and export. The worker keeps
 * the recipe per handle and builds the variant again from it when its cache dropped the result.
 */
export interface VariantRef {
  id: string;
  recipeHash: string;
  stats: VariantStats;
  warnings: PareWarning[];
}

/** Evaluation data opened for one model (its preprocessing and classes follow that model). */
export interface DataRef {
  id: string;
  summary: DatasetSummary;
  /** The first samples as the model sees them, with their labels (empty for tabular data). */
  previews: SamplePreview[];
}

/**
 * Which open data (by DataRef id) each data role of a recipe uses: `{calibration: 'data-1'}` for a recipe whose
 * steps say `"data": "calibration"`. A variant is cached by its recipe and the fingerprints of the data it used.
 */
export type DataBinding = Partial<Record<'calibration' | 'training' | 'validation', string | DataSlice>>;

/** Samples `start` to `end` (0-based, end excluded) of open data: a training slice, or the part that validates. */
export interface DataSlice {
  dataId: string;
  start: number;
  end: number;
}

/**
 * What a training call made. `recipe` is what the variant is reproducible from: the recipe asked for, or, when
 * Stop ended training, that recipe with the stopped finetune step's `stopAfter` set to the epoch kept. When the
 * kept weights cannot be rebuilt from any recipe (stopped before an epoch finished), `rebuildable` is false: the
 * worker keeps the variant pinned (never evicted) while the model is open, and it is lost with the worker.
 */
export interface TrainedVariantRef extends VariantRef {
  recipe: Recipe;
  stopped: boolean;
  rebuildable: boolean;
  /** How training ended, for the page: 'Stopped in epoch 3 of 5; kept epoch 2 (validation accuracy 86.1%).' */
  note: string;
}

export type MeasureBackend = 'wasm' | 'cpu' | 'webgl' | 'webgpu';

export interface MeasureOptions {
  /** Evaluation data (from openData), or null: variants are then compared with the original on generated inputs. */
  dataId: string | null;
  /** Backend for accuracy and latency; default the runtime's active one. */
  backend?: MeasureBackend;
  /** Timed latency runs (default 20); 0 skips latency. */
  latencyRuns?: number;
  /** Untimed warm-up runs before them (default 3). */
  warmupRuns?: number;
  /** Samples per predict call in evaluation (default 64). */
  batchSize?: number;
  /**
   * The first `heldOut` samples of the data calibrate the calibrated methods, so measurement skips them: figures
   * are never measured on the calibration samples (default 0).
   */
  heldOut?: number;
  /** Generated inputs for fidelity without data (default 64). */
  generatedSamples?: number;
}

export interface QualityResult {
  /** 'accuracy' with labelled data; 'fidelity' (top-1 agreement with the original) otherwise. */
  kind: 'accuracy' | 'fidelity';
  /** Top-1 accuracy, or top-1 agreement, in [0, 1]. */
  value: number;
  samples: number;
  top5: number | null;
  loss: number | null;
  perClass: ClassAccuracy[];
  /**
   * Fidelity only: mean cosine of the outputs, the relative error ||y' - y|| / ||y|| over all of them, and their
   * largest absolute difference. Agreement alone misleads on one-output and embedding models.
   */
  cosine: number | null;
  relativeError: number | null;
  maxAbsDiff: number | null;
  /** Fidelity on generated inputs rather than data: a weak proxy. */
  weakProxy: boolean;
  /** What it was measured on: "1,000 images of 28x28 ..." or "64 generated inputs ...". */
  data: string;
  skipped: SkippedItem[];
}

export interface LatencySummary {
  backend: string;
  batch: number;
  medianMs: number;
  p10Ms: number;
  p90Ms: number;
  coldMs: number;
  loadMs: number;
  runs: number;
  peakBytes: number;
}

/** What was measured for the original (recipeHash null) or a variant. */
export interface Measurement {
  recipeHash: string | null;
  /** Exact sizes of the export (the original: of its weights as an export would shard them). */
  sizes: ExportSizes;
  /** Zeros among the prunable weights. */
  sparsity: number;
  quality: QualityResult | null;
  latency: LatencySummary | null;
  /** The data id it was measured with, or null. */
  dataId: string | null;
  warnings: PareWarning[];
  durationMs: number;
}

/** One tensor's values before and after a recipe, binned. */
export interface TensorHistogram extends HistogramPair {
  name: string;
  /** Stored form after the recipe ('float32', 'uint8 (4-bit)', ...), null for the original. */
  storedAfter: string | null;
}

/** An export, transferred to the page: model.json, the shards and recipe.json, and all of them as one zip. */
export interface ExportedVariant {
  files: ExportFile[];
  zip: Uint8Array;
  sizes: ExportSizes;
}

/** One recipe the search measured: its settings, quality on the validation samples and bytes over the wire. */
export interface SearchCandidate {
  sparsity: number;
  bits: number;
  accuracy: number | null;
  agreement: number;
  cosine: number;
  wireBytes: number;
  meets: boolean;
}

/** What the search found: the smallest recipe that meets the target (null when none did), and what it tried. */
export interface FoundRecipe {
  recipe: Recipe | null;
  best: SearchCandidate | null;
  original: { accuracy: number | null; wireBytes: number };
  tried: SearchCandidate[];
  /** False when cancelled: `recipe` is then the best found so far. */
  complete: boolean;
  durationMs: number;
  /** The samples the candidates were validated on, counted from 1 as a person does: 257 to 1,000. */
  validation: { first: number; last: number };
}

export interface StudioApi {
  runtime(): Promise<RuntimeInfo>;
  /** Opens dropped files (model.json + shards, a folder's files, or a zip). Files are transferred, not copied. */
  openModel(files: InputFile[], job?: JobOptions): Promise<OpenedModelRef>;
  /** Forgets a model the worker holds, with its variants and data; unknown ids are ignored. */
  closeModel(id: string): Promise<void>;
  /** A cheap estimate of the export size of `recipe` (raw weight bytes exact, the rest estimated). */
  estimateSize(modelId: string, recipe: Recipe): Promise<SizeEstimate>;
  /** The channel groups, the channels each keeps and the multiply-adds before and after `recipe`'s channel removal. */
  channelEstimate(modelId: string, recipe: Recipe): Promise<ChannelEstimate>;
  /**
   * Builds the variant (or finds it in the cache by the recipe's hash and its data's fingerprints) and returns its
   * handle. `data` names the open data for each role the recipe's steps use (calibration for "wanda", "obs" and
   * "gptq"); a step whose role is not bound fails with 'missing-data' before any work.
   */
  applyRecipe(modelId: string, recipe: Recipe, job?: JobOptions, data?: DataBinding): Promise<VariantRef>;
  /**
   * Handles for recipes the page already has variants of, without building them (they are built when first
   * used). For a worker that does not know them yet: after a restart, or a session restored from storage.
   */
  registerVariants(modelId: string, recipes: Recipe[], data?: DataBinding): Promise<string[]>;
  /**
   * Searches for the smallest recipe (error-compensating pruning and rounding) that meets `target`, calibrating on
   * the first `calibrationSamples` of the data and validating on up to 2,000 samples after them.
   */
  findRecipe(modelId: string, dataId: string, target: SearchTarget, calibrationSamples: number, job?: JobOptions): Promise<FoundRecipe>;
  /**
   * Each prunable tensor's sensitivity to pruning and quantization on its own, measured on the first `samples` of
   * the data; every row is streamed through the job's progress as soon as it is done, and a cancel keeps them.
   */
  sensitivity(modelId: string, dataId: string, samples: number, job?: JobOptions): Promise<SensitivityResult>;
  /** Opens evaluation data for a model. Files are transferred. */
  openData(modelId: string, files: InputFile[], options?: OpenDataOptions, job?: JobOptions): Promise<DataRef>;
  closeData(dataId: string): Promise<void>;
  /**
   * Opens image folders (one per class) as new classes for a retarget recipe, with the model's preprocessing and
   * the folders' names; every image is decoded once (an unreadable one is refused by name) and each class split
   * with the seed into training and held-out test images. Files are transferred.
   */
  openNewClasses(modelId: string, files: InputFile[], options?: NewClassesOptions, job?: JobOptions): Promise<NewClassesRef>;
  /** Where the model can be cut for a new head, with shapes and the default; refuses graph models that cannot be cut. */
  cutChoices(modelId: string): Promise<CutChoices>;
  /** Measures the original (variantId null) or a variant by its handle (built again first if it was dropped). */
  measure(modelId: string, variantId: string | null, options: MeasureOptions, job?: JobOptions): Promise<Measurement>;
  /** A tensor's histogram in the original and, given a variant's handle, in that variant. */
  histogram(modelId: string, variantId: string | null, tensorName: string, bins?: number, job?: JobOptions): Promise<TensorHistogram>;
  /** Writes the variant's export: files and zip, transferred. */
  exportVariant(modelId: string, variantId: string, job?: JobOptions): Promise<ExportedVariant>;
  /**
   * Builds a recipe with training steps, streaming their progress ('training' reports). `job.stop` ends training
   * keeping the best checkpoint (the variant then stands for the recipe it can be rebuilt from, see
   * TrainedVariantRef); `job.signal` cancels as for applyRecipe.
   */
  train(modelId: string, recipe: Recipe, job?: JobOptions, data?: DataBinding): Promise<TrainedVariantRef>;
}

/** The calls that take JobOptions, and where: the index of their JobOptions argument (on the wire: call id, then progress). */
export const JOB_ARGUMENT = {
  openModel: 1,
  applyRecipe: 2,
  openData: 3,
  measure: 3,
  histogram: 4,
  exportVariant: 2,
  findRecipe: 4,
  sensitivity: 3,
  openNewClasses: 3,
  train: 2,
} as const satisfies Partial<Record<keyof StudioApi, number>>;

export type LongCall = keyof typeof JOB_ARGUMENT;

/** What studio.worker.ts exposes: the API, plus aborting calls by the ids the client gave them. */
export interface StudioWorkerApi extends StudioApi {
  /** Aborts the calls with these ids (unknown or settled ids are ignored). */
  abortCalls(callIds: string[]): Promise<void>;
  /** Ends training in the calls with these ids, keeping their best checkpoints (see JobOptions.stop). */
  stopCalls(callIds: string[]): Promise<void>;
}
