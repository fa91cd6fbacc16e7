/**
 * An in-memory StudioClient for the action tests: every call is answered by a deferred the test settles, so the
 * tests control ordering (an older open finishing after a newer one, a cancel mid-open) exactly. Like the worker
 * it hands out variant handles and keeps the recipe behind each; measure, histogram and export go by handle.
 * A long call's signal rejects it with 'cancelled'; cancel() aborts them all and, as the real client does when
 * the worker honours the abort, keeps everything open.
 */
import type { InputFile, ModelInventory, WeightInfo } from '../../src/model/types';
import { lastPruneStepOf, parseRecipe, recipeHash, stepsOfKind } from '../../src/recipe/schema';
import type {
  CutChoices,
  ChannelEstimate,
  DataBinding,
  DataRef,
  NewClassesOptions,
  NewClassesRef,
  ExportedVariant,
  FoundRecipe,
  JobOptions,
  Measurement,
  MeasureOptions,
  OpenDataOptions,
  OpenedModelRef,
  Recipe,
  SearchTarget,
  SensitivityResult,
  RuntimeInfo,
  SizeEstimate,
  StudioError,
  TensorHistogram,
  TrainedVariantRef,
  VariantRef,
} from '../../src/worker/api';
import type { FinetuneStep } from '../../src/recipe/steps';
import type { SourceFile } from '../files/source-file';
import { cancelledError } from '../studio-error';
import type { StudioClient } from '../worker-client';

interface Deferred<T> {
  resolve(value: T): void;
  reject(error: StudioError): void;
}

export interface OpenCall extends Deferred<OpenedModelRef> {
  files: InputFile[];
}

/** One call to the fake, for assertions: the method and its arguments (progress callbacks left out). */
export interface Call {
  method: string;
  args: unknown[];
}

/**
 * Answers of the other methods; tests replace them. The fake resolves variant handles to their recipes before it
 * calls these. The defaults answer at once with small, plausible results derived from the arguments (a
 * measurement's quality falls with the recipe's sparsity).
 */
export interface Handlers {
  estimateSize(modelId: string, recipe: Recipe): Promise<SizeEstimate>;
  channelEstimate(modelId: string, recipe: Recipe): Promise<ChannelEstimate>;
  applyRecipe(modelId: string, recipe: Recipe, job?: JobOptions): Promise<Omit<VariantRef, 'id'>>;
  openData(modelId: string, files: InputFile[], options?: OpenDataOptions): Promise<DataRef>;
  measure(modelId: string, recipe: Recipe | null, options: MeasureOptions, job?: JobOptions): Promise<Measurement>;
  histogram(modelId: string, recipe: Recipe | null, tensorName: string, bins?: number): Promise<TensorHistogram>;
  exportVariant(modelId: string, recipe: Recipe, job?: JobOptions): Promise<ExportedVariant>;
  findRecipe(modelId: string, dataId: string, target: SearchTarget, calibrationSamples: number, job?: JobOptions): Promise<FoundRecipe>;
  sensitivity(modelId: string, dataId: string, samples: number, job?: JobOptions): Promise<SensitivityResult>;
  openNewClasses(modelId: string, files: InputFile[], options?: NewClassesOptions): Promise<NewClassesRef>;
  cutChoices(modelId: string): Promise<CutChoices>;
  /** The fake's handle comes from the answer's `recipe` (what a stopped run is recorded as). */
  train(modelId: string, recipe: Recipe, job?: JobOptions, data?: DataBinding): Promise<Omit<TrainedVariantRef, 'id'>>;
}

/**
 * Training as the worker reports it: for each finetune step in order, per epoch one batch report and one epoch
 * report (each epoch better than the last), awaiting `pace()` before each epoch; Stop (job.stop) ends it after
 * the epoch under way, recorded as "stopAfter" on the step it stopped, as the worker does.
 */
export async function fakeTraining(recipe: Recipe, job: JobOptions | undefined, pace: () => Promise<void> = async () => {}): Promise<Omit<TrainedVariantRef, 'id'>> {
  let stoppedAt: { index: number; kept: number; planned: number } | null = null;
  for (const [i, s] of recipe.steps.entries()) {
    if (s.step !== 'finetune' || stoppedAt) continue;
    const step = s as FinetuneStep;
    const planned = step.stopAfter ?? step.epochs;
    const where = `recipe.steps[${i}]`;
    let kept = 0;
    for (let e = 1; e <= planned; e++) {
      await pace();
      if (job?.stop?.aborted) break;
      const batch = { kind: 'batch' as const, epoch: e, epochs: step.epochs, batch: 1, batches: 2, loss: 1 / e, accuracy: 0.5, samplesPerSecond: 500, etaSeconds: planned - e + 0.5, sparsity: null };
      await job?.onProgress?.({ phase: 'train', done: e - 0.5, total: planned, etaMs: batch.etaSeconds * 1000, streamed: { kind: 'training', where, progress: batch } });
      const record = { kind: 'epoch' as const, epoch: e, loss: 0.9 / e, accuracy: 0.6, validationLoss: 1 / e, validationAccuracy: 0.7 + e / 100, best: true, seconds: 1 };
      await job?.onProgress?.({ phase: 'train', done: e, total: planned, etaMs: null, streamed: { kind: 'training', where, progress: record } });
      kept = e;
    }
    if (kept < planned) stoppedAt = { index: i, kept, planned };
  }
  const out: Recipe = stoppedAt && stoppedAt.kept > 0 ? { ...recipe, steps: recipe.steps.map((s, j) => (j === stoppedAt!.index ? { ...s, stopAfter: stoppedAt!.kept } : s)) } : recipe;
  const sparsity = sparsityOf(recipe);
  return {
    recipeHash: recipeHash(out),
    stats: { sparsity, prunedSparsity: sparsity, prunableParams: 1000, weightBytesBefore: 4000, weightBytesAfter: 4000, tensors: [] },
    warnings: [],
    recipe: out,
    stopped: stoppedAt !== null,
    rebuildable: stoppedAt === null || stoppedAt.kept > 0,
    note: stoppedAt ? `Stopped in epoch ${stoppedAt.kept + 1} of ${stoppedAt.planned}; kept epoch ${stoppedAt.kept}.` : 'Training completed.',
  };
}

/** The fixture recipes are version 1; this is the one place the fake reads a recipe's fields. */
function sparsityOf(recipe: Recipe | null): number {
  return (recipe ? lastPruneStepOf(recipe)?.sparsity : undefined) ?? 0;
}

/** Dropped files for tests: each a few distinct bytes, under the given relative names. */
export function fakeSourceFiles(...names: string[]): SourceFile[] {
  return names.map((name, i) => ({ name, blob: new Blob([new Uint8Array([i + 1, i + 2, i + 3])]) }));
}

export function fakeMeasurement(recipe: Recipe | null, options: MeasureOptions): Measurement {
  const sparsity = sparsityOf(recipe);
  const sizes = { modelJsonBytes: 1000, weightBytes: 4000, weightGzipBytes: Math.round(3600 * (1 - sparsity)) + 100, totalBytes: 5000 };
  return {
    recipeHash: recipe ? recipeHash(recipe) : null,
    sizes,
    sparsity,
    quality: options.dataId
      ? { kind: 'accuracy', value: 0.9 - sparsity / 10, samples: 100, top5: null, loss: 0.3, perClass: [], cosine: null, relativeError: null, maxAbsDiff: null, weakProxy: false, data: 'data', skipped: [] }
      : null,
    latency: options.latencyRuns ? { backend: options.backend ?? 'wasm', batch: 1, medianMs: 1, p10Ms: 0.9, p90Ms: 1.2, coldMs: 5, loadMs: 3, runs: options.latencyRuns, peakBytes: 100 } : null,
    dataId: options.dataId,
    warnings: [],
    durationMs: 10,
  };
}

function defaultHandlers(): Handlers {
  return {
    async estimateSize(_, recipe) {
      const s = sparsityOf(recipe);
      return { modelJsonBytes: 1000, weightBytes: 4000, weightGzipBytes: Math.round(3600 * (1 - s)), totalBytes: 5000, totalGzipBytes: 1000 + Math.round(3600 * (1 - s)), sparsity: s };
    },
    async channelEstimate(_, recipe) {
      // Two groups: 'conv1' (8 channels, 1,000 multiply-adds) can shrink; 'fc' (the softmax output) cannot.
      const step = stepsOfKind(recipe, 'prune-channels')[0];
      const ratio = step ? (step.perGroup.find((r) => r.match === 'conv1')?.ratio ?? step.ratio) : 0;
      const kept = Math.max(1, Math.round(8 * (1 - ratio)));
      return {
        inventory: {
          totalMacs: 1100,
          groups: [
            { id: 0, layers: ['conv1'], readers: ['fc'], channels: 8, macs: 1000, prunable: true },
            { id: 1, layers: ['fc'], readers: [], channels: 10, macs: 100, prunable: false, reason: "'fc' (Dense) ends in a softmax over its channels" },
          ],
        },
        macsBefore: 1100,
        macsAfter: 100 + (1000 * kept) / 8,
        kept: [
          { id: 0, kept },
          { id: 1, kept: 10 },
        ],
        ranking: 'exact',
      };
    },
    async applyRecipe(_, recipe, job) {
      await job?.onProgress?.({ phase: 'apply', done: 1, total: 1, etaMs: null });
      const s = sparsityOf(recipe);
      return { recipeHash: recipeHash(recipe), stats: { sparsity: s, prunedSparsity: s, prunableParams: 1000, weightBytesBefore: 4000, weightBytesAfter: 4000, tensors: [] }, warnings: [] };
    },
    async openData(modelId, files) {
      return {
        id: `data-for-${modelId}`,
        summary: { kind: 'idx', size: 100, sampleShape: [28, 28, 1], classNames: ['a', 'b'], classSource: 'labels-file', labelled: true, preprocessing: null, skipped: [], description: `${files.length} files` },
        previews: [],
      };
    },
    async measure(_, recipe, options) {
      return fakeMeasurement(recipe, options);
    },
    async histogram(_, recipe, name) {
      return { name, storedAfter: recipe ? 'uint8' : null, min: -1, max: 1, bins: 2, width: 1, before: [1, 1], after: recipe ? [1, 1] : null, zerosBefore: 0, zerosAfter: recipe ? 1 : null, distinctAfter: recipe ? 2 : null, count: 2 };
    },
    async findRecipe(_, __, ___, samples, job) {
      await job?.onProgress?.({ phase: 'search', done: 1, total: 1, etaMs: null });
      const recipe = parseRecipe({
        pare: 'recipe',
        version: 2,
        steps: [
          { step: 'prune', sparsity: 0.6, method: 'obs', data: 'calibration', samples },
          { step: 'quantize', default: { bits: 4 }, method: 'gptq', data: 'calibration', samples },
        ],
      });
      const best = { sparsity: 0.6, bits: 4, accuracy: 0.85, agreement: 0.95, cosine: 0.99, wireBytes: 900, meets: true };
      return { recipe, best, original: { accuracy: 0.86, wireBytes: 9000 }, tried: [best], complete: true, durationMs: 5, validation: { first: samples + 1, last: 100 } };
    },
    async sensitivity(_, __, samples, job) {
      const setting = { kind: 'prune' as const, sparsity: 0.9 };
      const rows = ['fc1/kernel', 'fc2/kernel'].map((tensor, i) => ({ tensor, params: 1000, points: [{ setting, accuracy: 0.8 - i / 10, agreement: 0.9, cosine: 0.95 }], score: 10 * (i + 1) }));
      for (const [i, row] of rows.entries()) await job?.onProgress?.({ phase: 'sensitivity', done: i + 1, total: rows.length, etaMs: null, streamed: { kind: 'sensitivity-row', row } });
      return { original: { accuracy: 0.9 }, rows, data: `sensitivity: samples 1–${samples} of data`, complete: true, durationMs: 5 };
    },
    async openNewClasses(modelId, files) {
      // Classes from the folder names, 4 in 5 of each class's images training, as the worker splits them.
      const counts = new Map<string, number>();
      for (const f of files) {
        const parts = f.name.split('/');
        if (parts.length >= 2) counts.set(parts[parts.length - 2]!, (counts.get(parts[parts.length - 2]!) ?? 0) + 1);
      }
      const names = [...counts.keys()].sort();
      const classes = names.map((name) => {
        const images = counts.get(name)!;
        const test = Math.min(images - 1, Math.round(images / 5));
        return { name, images, training: images - test, test };
      });
      const summary = (size: number) => ({ kind: 'images' as const, size, sampleShape: [28, 28, 1], classNames: names, classSource: 'folders' as const, labelled: true, preprocessing: null, skipped: [], description: `${size} images` });
      const total = (k: 'training' | 'test') => classes.reduce((n, c) => n + c[k], 0);
      return {
        training: { id: `classes-training-for-${modelId}`, summary: summary(total('training')), previews: [] },
        test: { id: `classes-test-for-${modelId}`, summary: summary(total('test')), previews: [] },
        classes,
        previews: [],
      };
    },
    async cutChoices() {
      return {
        choices: [
          { name: 'conv1', className: 'Conv2D', shape: [null, 24, 24, 8], isDefault: false },
          { name: 'flatten', className: 'Flatten', shape: [null, 400], isDefault: true },
          { name: 'fc1', className: 'Dense', shape: [null, 120], isDefault: false },
        ],
        defaultCut: 'flatten',
      };
    },
    train: (_, recipe, job) => fakeTraining(recipe, job),
    async exportVariant() {
      const files = [
        { name: 'model.json', data: new Uint8Array([123, 125]) },
        { name: 'group1-shard1of1.bin', data: new Uint8Array(8) },
        { name: 'recipe.json', data: new Uint8Array([123, 125]) },
      ];
      return { files, zip: new Uint8Array([80, 75, 5, 6]), sizes: { modelJsonBytes: 2, weightBytes: 8, weightGzipBytes: 20, totalBytes: 10 } };
    },
  };
}

export class FakeClient implements StudioClient {
  readonly calls: Call[] = [];
  handlers: Handlers = defaultHandlers();
  readonly opens: OpenCall[] = [];
  readonly closed: string[] = [];
  runtimeAnswer: RuntimeInfo | StudioError = { active: 'wasm', backends: [] } as unknown as RuntimeInfo;
  /** Variant handles the "worker" gave out, with the model and recipe each stands for. */
  readonly handles = new Map<string, { modelId: string; recipe: Recipe; hash: string }>();
  private nextHandle = 1;
  private readonly listeners = new Set<(reason: 'cancelled' | 'crashed') => void>();
  private pending = new Set<Deferred<never>>();

  async runtime(): Promise<RuntimeInfo> {
    const answer = this.runtimeAnswer;
    if ('code' in answer) throw answer;
    return answer;
  }

  openModel(files: InputFile[], job?: JobOptions): Promise<OpenedModelRef> {
    return new Promise((resolve, reject) => {
      const call: OpenCall = { files, resolve, reject };
      this.opens.push(call);
      this.pending.add(call as Deferred<never>);
      job?.signal?.addEventListener('abort', () => reject(cancelledError()), { once: true });
    });
  }

  async closeModel(id: string): Promise<void> {
    this.closed.push(id);
    for (const [handle, h] of this.handles) if (h.modelId === id) this.handles.delete(handle);
  }

  estimateSize(modelId: string, recipe: Recipe): Promise<SizeEstimate> {
    return this.track('estimateSize', [modelId, recipe], undefined, () => this.handlers.estimateSize(modelId, recipe));
  }

  channelEstimate(modelId: string, recipe: Recipe): Promise<ChannelEstimate> {
    return this.track('channelEstimate', [modelId, recipe], undefined, () => this.handlers.channelEstimate(modelId, recipe));
  }

  applyRecipe(modelId: string, recipe: Recipe, job?: JobOptions, data: DataBinding = {}): Promise<VariantRef> {
    const id = this.handleFor(modelId, recipe);
    // The data binding is recorded only when there is one, so calls without data read as before.
    return this.track('applyRecipe', Object.keys(data).length ? [modelId, recipe, data] : [modelId, recipe], job, async () => ({ ...(await this.handlers.applyRecipe(modelId, recipe, job)), id }));
  }

  async registerVariants(modelId: string, recipes: Recipe[], data: DataBinding = {}): Promise<string[]> {
    this.calls.push({ method: 'registerVariants', args: Object.keys(data).length ? [modelId, recipes.map(recipeHash), data] : [modelId, recipes.map(recipeHash)] });
    return recipes.map((r) => this.handleFor(modelId, r));
  }

  openData(modelId: string, files: InputFile[], options?: OpenDataOptions, job?: JobOptions): Promise<DataRef> {
    return this.track('openData', [modelId, files.map((f) => f.name), options], job, () => this.handlers.openData(modelId, files, options));
  }

  openNewClasses(modelId: string, files: InputFile[], options?: NewClassesOptions, job?: JobOptions): Promise<NewClassesRef> {
    return this.track('openNewClasses', [modelId, files.map((f) => f.name), options], job, () => this.handlers.openNewClasses(modelId, files, options));
  }

  cutChoices(modelId: string): Promise<CutChoices> {
    return this.track('cutChoices', [modelId], undefined, () => this.handlers.cutChoices(modelId));
  }

  async closeData(dataId: string): Promise<void> {
    this.calls.push({ method: 'closeData', args: [dataId] });
  }

  measure(modelId: string, variantId: string | null, options: MeasureOptions, job?: JobOptions): Promise<Measurement> {
    return this.track('measure', [modelId, variantId, options], job, () =>
      this.handlers.measure(modelId, this.recipeOf(modelId, variantId), options, job),
    );
  }

  histogram(modelId: string, variantId: string | null, tensorName: string, bins?: number, job?: JobOptions): Promise<TensorHistogram> {
    return this.track('histogram', [modelId, variantId, tensorName], job, () =>
      this.handlers.histogram(modelId, this.recipeOf(modelId, variantId), tensorName, bins),
    );
  }

  exportVariant(modelId: string, variantId: string, job?: JobOptions): Promise<ExportedVariant> {
    return this.track('exportVariant', [modelId, variantId], job, () =>
      this.handlers.exportVariant(modelId, this.recipeOf(modelId, variantId)!, job),
    );
  }

  findRecipe(modelId: string, dataId: string, target: SearchTarget, calibrationSamples: number, job?: JobOptions): Promise<FoundRecipe> {
    return this.track('findRecipe', [modelId, dataId, target, calibrationSamples], job, () =>
      this.handlers.findRecipe(modelId, dataId, target, calibrationSamples, job),
    );
  }

  sensitivity(modelId: string, dataId: string, samples: number, job?: JobOptions): Promise<SensitivityResult> {
    return this.track('sensitivity', [modelId, dataId, samples], job, () => this.handlers.sensitivity(modelId, dataId, samples, job));
  }

  train(modelId: string, recipe: Recipe, job?: JobOptions, data: DataBinding = {}): Promise<TrainedVariantRef> {
    return this.track('train', [modelId, recipe, data], job, async () => {
      const answer = await this.handlers.train(modelId, recipe, job, data);
      return { ...answer, id: this.handleFor(modelId, answer.recipe) };
    });
  }

  /** Calls of one method, in order. */
  callsOf(method: string): unknown[][] {
    return this.calls.filter((c) => c.method === method).map((c) => c.args);
  }

  /** The handle of (model, recipe): one per recipe hash, as the worker gives. */
  private handleFor(modelId: string, recipe: Recipe): string {
    const hash = recipeHash(recipe);
    for (const [handle, h] of this.handles) if (h.modelId === modelId && h.hash === hash) return handle;
    const handle = `variant-${this.nextHandle++}`;
    this.handles.set(handle, { modelId, recipe, hash });
    return handle;
  }

  /** The recipe behind a handle; an unknown one fails as in the worker. */
  private recipeOf(modelId: string, variantId: string | null): Recipe | null {
    if (variantId === null) return null;
    const h = this.handles.get(variantId);
    if (!h || h.modelId !== modelId) {
      throw { code: 'bad-options', message: `The model '${modelId}' has no variant '${variantId}'; apply its recipe again.` } satisfies StudioError;
    }
    return h.recipe;
  }

  /** Records a call and runs its handler; its signal, a cancel or a crash rejects it like the real client. */
  private track<T>(method: string, args: unknown[], job: JobOptions | undefined, run: () => Promise<T>): Promise<T> {
    this.calls.push({ method, args });
    return new Promise<T>((resolve, reject) => {
      const deferred = { resolve, reject } as Deferred<never>;
      this.pending.add(deferred);
      if (job?.signal?.aborted) {
        this.pending.delete(deferred);
        reject(cancelledError());
        return;
      }
      job?.signal?.addEventListener('abort', () => {
        this.pending.delete(deferred);
        reject(cancelledError());
      });
      Promise.resolve()
        .then(run)
        .then(
          (v) => {
            this.pending.delete(deferred);
            resolve(v);
          },
          (e) => {
            this.pending.delete(deferred);
            reject(e);
          },
        );
    });
  }

  /** Cooperative cancel: every call in flight rejects with 'cancelled'; the worker keeps models and handles. */
  cancel(): void {
    const pending = [...this.pending];
    this.pending.clear();
    for (const call of pending) call.reject(cancelledError());
  }

  /** What the real client does when the worker ignored a cancel past the grace period: a new, empty worker. */
  restartAfterCancel(): void {
    this.restart('cancelled', cancelledError(true));
  }

  /** What the real client does when the worker dies. */
  crash(): void {
    this.restart('crashed', { code: 'worker-crashed', message: 'The studio worker stopped: out of memory.' });
  }

  onRestart(listener: (reason: 'cancelled' | 'crashed') => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  dispose(): void {}

  private restart(reason: 'cancelled' | 'crashed', error: StudioError): void {
    const pending = [...this.pending];
    this.pending.clear();
    // A new worker knows none of the old one's variants.
    this.handles.clear();
    for (const call of pending) call.reject(error);
    for (const listener of this.listeners) listener(reason);
  }
}

/** A dense layer's kernel and bias, as the inventory lists them. */
export function denseWeights(layer: string, inputs: number, units: number): WeightInfo[] {
  const common = { dtype: 'float32' as const, quantization: null, owner: layer, ownerType: 'Dense' };
  return [
    { ...common, name: `${layer}/kernel`, shape: [inputs, units], params: inputs * units, bytes: inputs * units * 4, prunable: true },
    { ...common, name: `${layer}/bias`, shape: [units], params: units, bytes: units * 4, prunable: false },
  ];
}

/** A small but complete inventory. */
export function inventory(params: number, name = 'model.json', weights: WeightInfo[] = []): ModelInventory {
  return {
    format: 'layers-model',
    reader: 'tfjs-layers',
    modelJsonName: name,
    modelJsonBytes: 1000,
    inputs: [{ name: 'input', shape: [null, 784], dtype: 'float32' }],
    outputs: [{ name: 'output', shape: [null, 10], dtype: 'float32' }],
    params,
    weightBytes: params * 4,
    weights,
    warnings: [],
  };
}

/** Lets pending promise callbacks run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
  await new Promise((r) => setTimeout(r, 0));
}
