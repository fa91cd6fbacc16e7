/**
 * The studio's API over the core, without any worker plumbing: studio.worker.ts exposes it with Comlink, and the
 * tests call it directly in Node. Models, variants and data stay here, by id; the page only ever sees
 * inventories, statistics, measurements and (on export) the bytes it downloads.
 */
import { transfer } from 'comlink';
import { PareError } from '../errors';
import type { Dataset } from '../evaluate/dataset';
import type { ImageDecoder } from '../data/image-decoder';
import { openDataset } from '../data/open-dataset';
import { datasetSummary, previewSamples } from '../evaluate/preview';
import { withScale } from '../evaluate/preprocessing';
import { dataTargetFor } from '../evaluate/target';
import { sourceSizes, zipExport, type ExportFile, type ExportSizes } from '../export';
import type { InputFile, ModelInventory, OpenedModel } from '../model/types';
import { dataFingerprint } from '../recipe/fingerprint';
import type { RecipeData } from '../recipe/run/context';
import { canonicalJson, dataRolesOf, recipeHash, type DataRole, type Recipe } from '../recipe/schema';
import { sliceDataset, withoutFirst } from '../evaluate/dataset-slice';
import { applyRecipe } from '../recipe/apply';
import { TrainingRun } from './training-run';
import { histogramPair } from '../studio/histogram';
import { estimateSize } from '../studio/size-estimate';
import { channelEstimate } from '../structure/channel-estimate';
import type {
  DataBinding,
  DataSlice,
  FoundRecipe,
  TrainedVariantRef,
  SearchTarget,
  SensitivityResult,
  DataRef,
  ExportedVariant,
  JobOptions,
  Measurement,
  MeasureOptions,
  OpenDataOptions,
  OpenedModelRef,
  RuntimeInfo,
  StudioApi,
  TensorHistogram,
  VariantRef,
} from './api';
import { cancelPoint, throwIfCancelled } from './cancelled';
import { classNamesProblem } from './class-names';
import { measureModel } from './measure';
import { findRecipe } from './find-recipe';
import { sensitivity } from '../calibrate/sensitivity';
import { phaseReporter, trainingReporter } from './progress';
import { VariantCache, type CachedVariant } from './variant-cache';
import { formatStored } from '../text/wording';
import { checkMeasuredClasses, openNewClasses } from './new-classes';
import { cutChoices } from './cut-choices';

export interface StudioDeps {
  /** Resolves once the backends are set up (the worker starts this at load time). */
  runtime: () => Promise<RuntimeInfo>;
  openModel: (files: InputFile[]) => Promise<OpenedModel>;
  inventoryOf: (model: OpenedModel) => ModelInventory;
  /** Decodes images in image-folder data; without one, only IDX and CSV data can be opened. */
  imageDecoder?: () => ImageDecoder;
  /**
   * Marks buffers of a result for transfer instead of copy (Comlink's `transfer` in the worker). Tests in one
   * process leave it out.
   */
  transfer?: <T>(value: T, buffers: Transferable[]) => T;
}

export interface StudioState {
  api: StudioApi;
  /** The models held, by id. */
  models: Map<string, OpenedModel>;
  variants: VariantCache;
  /** Variant handles: the model and recipe each stands for. */
  handles: Map<string, VariantHandle>;
  data: Map<string, OpenDataEntry>;
}

/** Data opened for a model, with the fingerprint a recipe that uses it records. */
export interface OpenDataEntry extends RecipeData {
  modelId: string;
  /** Opened as new classes (image folders' names, not the model's): only a variant retargeted to them measures on it. */
  newClasses?: boolean;
}

export interface VariantHandle {
  modelId: string;
  recipe: Recipe;
  /** The data each role of the recipe used, kept so the variant can be built again after the cache dropped it. */
  data: Partial<Record<DataRole, RecipeData>>;
  /** The recipe's hash and its data's fingerprints: what names one variant. */
  key: string;
  /** A variant no recipe rebuilds (a training run stopped mid-epoch): found only in the cache's pinned ones. */
  pinned?: boolean;
}


/** 'At least one ...' -> 'at least one ...', to continue a sentence. */
function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/** Names that hold class names beside data files (a labels file); never data themselves. */
function isLabelsFile(f: InputFile): boolean {
  return /(^|\/)(labels?|classes|class_names)\.(txt|json)$/i.test(f.name) || /(^|\/)metadata\.json$/i.test(f.name);
}

/**
 * Builds the studio API around the core's functions.
 *
 * @example
 *   const { api } = createStudioApi({ runtime: () => setupBackends(), openModel, inventoryOf });
 *   const { id, inventory } = await api.openModel(files);
 *   const variant = await api.applyRecipe(id, recipe);
 *   const m = await api.measure(id, variant.id, { dataId: null, latencyRuns: 10 });
 */
export function createStudioApi(deps: StudioDeps): StudioState {
  const models = new Map<string, OpenedModel>();
  const variants = new VariantCache();
  const handles = new Map<string, VariantHandle>();
  const data = new Map<string, OpenDataEntry>();
  const sourceSizesOf = new WeakMap<OpenedModel, ExportSizes>();
  const send = deps.transfer ?? (<T>(value: T) => value);
  let nextId = 1;
  let nextDataId = 1;
  let nextVariantId = 1;

  function modelOf(id: string): OpenedModel {
    const model = models.get(id);
    if (!model) {
      throw new PareError('bad-options', `No open model has the id '${id}'; it was closed or the worker restarted. Open it again.`);
    }
    return model;
  }

  /** The data opened as `dataId` for `modelId`; `what` names it in the refusal ('evaluation data'). */
  function dataOf(modelId: string, dataId: string, what: string): OpenDataEntry {
    const d = data.get(dataId);
    if (!d || d.modelId !== modelId) throw new PareError('bad-options', `The ${what} '${dataId}' is not open for this model; open the data again.`);
    return d;
  }

  /**
   * The data of each role `recipe` uses, from `binding`. A role left unbound is left out: applying the recipe then
   * fails with 'missing-data', naming the step.
   */
  function boundData(modelId: string, recipe: Recipe, binding: DataBinding): Partial<Record<DataRole, RecipeData>> {
    const bound: Partial<Record<DataRole, RecipeData>> = {};
    // Validation data picks a training step's checkpoint, so it is bound whenever the binding names it.
    const roles = new Set([...dataRolesOf(recipe), ...(recipe.steps.some((s) => s.step === 'finetune') && binding.validation ? ['validation' as const] : [])]);
    for (const role of roles) {
      const given = binding[role];
      if (given === undefined) continue;
      const d = dataOf(modelId, typeof given === 'string' ? given : given.dataId, `${role} data`);
      bound[role] = typeof given === 'string' ? { fingerprint: d.fingerprint, dataset: d.dataset } : sliceOf(d, given, role);
    }
    return bound;
  }

  /** Part of open data for one role, named by its samples so another part is another variant. */
  function sliceOf(d: OpenDataEntry, slice: DataSlice, role: DataRole): RecipeData {
    const { start, end } = slice;
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end <= start || end > d.dataset.size) {
      throw new PareError('bad-options', `The ${role} data is samples ${start + 1} to ${end} of the open data, which has ${d.dataset.size.toLocaleString('en-US')}: give a range inside it with at least one sample.`);
    }
    return { fingerprint: `${d.fingerprint}[${start}:${end}]`, dataset: sliceDataset(d.dataset, start, end, role) };
  }

  function keyOf(recipe: Recipe, bound: Partial<Record<DataRole, RecipeData>>): string {
    return [recipeHash(recipe), ...Object.entries(bound).map(([role, d]) => `${role}=${d.fingerprint}`).sort()].join(' ');
  }

  /**
   * The handle of (model, recipe, data): the same one for the same recipe hash and data fingerprints, so Apply
   * twice names one variant, and the same recipe calibrated on other data names another.
   */
  function handleFor(modelId: string, recipe: Recipe, binding: DataBinding = {}): string {
    modelOf(modelId);
    const bound = boundData(modelId, recipe, binding);
    const key = keyOf(recipe, bound);
    for (const [id, h] of handles) if (h.modelId === modelId && h.key === key) return id;
    const id = `variant-${nextVariantId++}`;
    handles.set(id, { modelId, recipe, data: bound, key });
    return id;
  }

  /** The variant behind a handle: from the cache, or built again from its recipe when the cache dropped it. */
  function variantOf(modelId: string, variantId: string, job: JobOptions = {}): Promise<CachedVariant> {
    const handle = handles.get(variantId);
    if (!handle || handle.modelId !== modelId) {
      throw new PareError('bad-options', `The model '${modelId}' has no variant '${variantId}'; apply its recipe again.`);
    }
    if (handle.pinned) {
      const pinned = variants.pinned(modelId, handle.key);
      if (pinned) return Promise.resolve(pinned);
      throw new PareError('bad-options', `The variant '${variantId}' came from a training run stopped mid-epoch, which no recipe rebuilds, and it is no longer held; train again.`);
    }
    const report = phaseReporter(job.onProgress, 'apply');
    return variants.get(modelId, modelOf(modelId), handle.recipe, {
      key: handle.key,
      data: handle.data,
      onProgress: (p) => report(p.done, p.total),
      signal: job.signal,
      onTraining: trainingReporter(job.onProgress),
    });
  }

  /** See StudioApi.train and training-run.ts. */
  async function train(modelId: string, recipe: Recipe, job: JobOptions, binding: DataBinding): Promise<TrainedVariantRef> {
    const model = modelOf(modelId);
    const bound = boundData(modelId, recipe, binding);
    const key = keyOf(recipe, bound);
    const refOf = (id: string, c: CachedVariant, extra: Pick<TrainedVariantRef, 'stopped' | 'rebuildable' | 'note'>): TrainedVariantRef => ({
      id, recipeHash: c.variant.recipeHash, stats: c.variant.stats, warnings: c.variant.warnings, recipe: c.recipe, ...extra,
    });
    if (variants.has(modelId, key)) {
      const id = handleFor(modelId, recipe, binding);
      return refOf(id, await variantOf(modelId, id, job), { stopped: false, rebuildable: true, note: 'This recipe was already trained on this data; its variant is kept.' });
    }
    await deps.runtime();
    const run = new TrainingRun(recipe, job.stop);
    const report = phaseReporter(job.onProgress, 'apply');
    const stream = trainingReporter(job.onProgress);
    const built = await applyRecipe(model, recipe, {
      data: bound,
      onProgress: (p) => report(p.done, p.total),
      signal: job.signal,
      stopTraining: job.stop,
      onTraining: (p, where) => {
        run.observe(p, where);
        stream?.(p, where);
      },
    });
    const outcome = run.outcome();
    const kept = outcome.recipe ?? recipe;
    // A stopped run is the variant of the recipe it was recorded as, never of the one asked for.
    const cached: CachedVariant = { recipe: kept, variant: { ...built, recipeHash: recipeHash(kept) } };
    if (outcome.recipe) {
      variants.put(modelId, keyOf(kept, bound), cached);
      return refOf(handleFor(modelId, kept, binding), cached, { stopped: outcome.stopped, rebuildable: true, note: outcome.note });
    }
    const id = `variant-${nextVariantId++}`;
    const pinKey = `pinned ${id}`;
    handles.set(id, { modelId, recipe, data: bound, key: pinKey, pinned: true });
    variants.put(modelId, pinKey, cached, true);
    return refOf(id, cached, { stopped: true, rebuildable: false, note: outcome.note });
  }

  const api: StudioApi = {
    runtime: () => deps.runtime(),

    async openModel(files: InputFile[], job: JobOptions = {}): Promise<OpenedModelRef> {
      // Readers may decode weights with tf ops, which need a backend.
      await deps.runtime();
      throwIfCancelled(job.signal, 'Opening the model');
      const model = await deps.openModel(files);
      // Read but no longer wanted: not kept, so nothing holds its weights.
      await cancelPoint(job.signal, 'Opening the model');
      const inventory = deps.inventoryOf(model);
      const id = `model-${nextId++}`;
      models.set(id, model);
      return { id, inventory };
    },

    async closeModel(id: string): Promise<void> {
      models.delete(id);
      variants.drop(id);
      for (const [variantId, h] of handles) if (h.modelId === id) handles.delete(variantId);
      for (const [dataId, d] of data) if (d.modelId === id) data.delete(dataId);
    },

    async estimateSize(modelId: string, recipe: Recipe) {
      return estimateSize(modelOf(modelId), recipe);
    },

    async channelEstimate(modelId: string, recipe: Recipe) {
      return channelEstimate(modelOf(modelId), recipe);
    },

    async applyRecipe(modelId: string, recipe: Recipe, job: JobOptions = {}, binding: DataBinding = {}): Promise<VariantRef> {
      const id = handleFor(modelId, recipe, binding);
      const { variant } = await variantOf(modelId, id, job);
      return { id, recipeHash: variant.recipeHash, stats: variant.stats, warnings: variant.warnings };
    },

    async registerVariants(modelId: string, recipes: Recipe[], binding: DataBinding = {}): Promise<string[]> {
      return recipes.map((recipe) => handleFor(modelId, recipe, binding));
    },

    async openData(modelId: string, files: InputFile[], options: OpenDataOptions = {}, job: JobOptions = {}): Promise<DataRef> {
      const model = modelOf(modelId);
      const labelsFile = files.find(isLabelsFile);
      const dataFiles = files.filter((f) => !isLabelsFile(f));
      let target = dataTargetFor(model);
      // The user's scaling replaces the stated or inferred one (images only: features are used as given).
      if (options.scale !== undefined && target.preprocessing.kind === 'image') {
        target = dataTargetFor(model, withScale(target.preprocessing, options.scale));
      }
      // The user's class names stand where the model's own would: ahead of a labels file, matched like them.
      if (options.classNames !== undefined) {
        const shape = model.outputs[0]?.shape;
        const problem = classNamesProblem(options.classNames, shape && shape.length >= 2 ? shape[shape.length - 1] : null);
        if (problem) throw new PareError('bad-options', `The edited class names cannot be used: ${lowerFirst(problem)}`);
        target = { ...target, modelLabels: [...options.classNames] };
      }
      // Taken before opening: readers may unpack and transfer what they are given.
      const fingerprint = await dataFingerprint(files, {
        preprocessing: target.preprocessing,
        labels: target.modelLabels ?? null,
      });
      const dataset = openDataset(dataFiles.length ? dataFiles : files, target, {
        decoder: deps.imageDecoder?.(),
        labelsFile,
      });
      if (options.classNames !== undefined && dataset.classSource === 'model') dataset.classSource = 'edited';
      const previews = await previewSamples(dataset, 8);
      await cancelPoint(job.signal, 'Opening the data');
      const id = `data-${nextDataId++}`;
      data.set(id, { modelId, dataset, fingerprint });
      return send({ id, summary: datasetSummary(dataset), previews }, previews.map((p) => p.rgba.buffer));
    },

    async findRecipe(modelId: string, dataId: string, target: SearchTarget, calibrationSamples: number, job: JobOptions = {}): Promise<FoundRecipe> {
      return findRecipe(modelOf(modelId), dataOf(modelId, dataId, 'data'), target, calibrationSamples, job);
    },

    async sensitivity(modelId: string, dataId: string, samples: number, job: JobOptions = {}): Promise<SensitivityResult> {
      const model = modelOf(modelId);
      const d = dataOf(modelId, dataId, 'data');
      await deps.runtime();
      const report = phaseReporter(job.onProgress, 'sensitivity');
      report(0, 1);
      return sensitivity(model, d.dataset, {
        samples,
        signal: job.signal,
        onRow: (row, done, total) => {
          // Rows go out at once, unthrottled: each is a line of the page's table.
          void Promise.resolve(job.onProgress?.({ phase: 'sensitivity', done, total, etaMs: null, streamed: { kind: 'sensitivity-row', row } })).catch(() => {});
        },
      });
    },

    async openNewClasses(modelId: string, files: InputFile[], options = {}, job: JobOptions = {}) {
      const model = modelOf(modelId);
      const opened = await openNewClasses(model, files, options, deps.imageDecoder?.(), job.signal);
      const ref = (dataset: Dataset, part: string) => {
        const id = `data-${nextDataId++}`;
        data.set(id, { modelId, dataset, fingerprint: `${opened.fingerprint}/${part}`, newClasses: true });
        return { id, summary: datasetSummary(dataset), previews: [] };
      };
      const result = { training: ref(opened.training, 'training'), test: ref(opened.test, 'test'), classes: opened.classes, previews: opened.previews };
      return send(result, opened.previews.map((p) => p.rgba.buffer));
    },

    async cutChoices(modelId: string) {
      const model = modelOf(modelId);
      await deps.runtime();
      return cutChoices(model);
    },

    async closeData(dataId: string): Promise<void> {
      data.delete(dataId);
    },

    async measure(modelId: string, variantId: string | null, options: MeasureOptions, job: JobOptions = {}): Promise<Measurement> {
      const model = modelOf(modelId);
      let dataset: Dataset | null = null;
      const entry = options.dataId !== null ? dataOf(modelId, options.dataId, 'evaluation data') : null;
      if (entry) dataset = withoutFirst(entry.dataset, options.heldOut ?? 0);
      const cached = variantId !== null ? await variantOf(modelId, variantId, job) : null;
      if (entry) checkMeasuredClasses(model, cached?.variant ?? null, entry, options.dataId!);
      await cancelPoint(job.signal, 'Measuring');
      const sizeReport = phaseReporter(job.onProgress, 'size');
      sizeReport(0, 1);
      let sizes: ExportSizes;
      if (cached) sizes = variants.exportOf(model, cached).sizes;
      else {
        sizes = sourceSizesOf.get(model) ?? sourceSizes(model);
        sourceSizesOf.set(model, sizes);
      }
      sizeReport(1, 1);
      // Writing the export (a gzip pass) held the thread; an abort sent meanwhile gets in here.
      await cancelPoint(job.signal, 'Measuring');
      return measureModel({
        model,
        variant: cached?.variant ?? null,
        sizes,
        data: dataset,
        options,
        onProgress: job.onProgress,
        signal: job.signal,
      });
    },

    async histogram(modelId: string, variantId: string | null, tensorName: string, bins = 80, job: JobOptions = {}): Promise<TensorHistogram> {
      const model = modelOf(modelId);
      const index = model.weights.findIndex((w) => w.name === tensorName);
      if (index < 0) throw new PareError('bad-options', `The model has no weight named '${tensorName}'.`, { weight: tensorName });
      const before = model.weights[index];
      const after = variantId !== null ? (await variantOf(modelId, variantId, { signal: job.signal })).variant.weights[index] : null;
      throwIfCancelled(job.signal, 'Binning the weights');
      return {
        name: tensorName,
        storedAfter: after ? formatStored(after.stored) : null,
        ...histogramPair(before.values, after?.values ?? null, bins),
      };
    },

    train: (modelId, recipe, job = {}, binding = {}) => train(modelId, recipe, job, binding),

    async exportVariant(modelId: string, variantId: string, job: JobOptions = {}): Promise<ExportedVariant> {
      const model = modelOf(modelId);
      const cached = await variantOf(modelId, variantId, job);
      await cancelPoint(job.signal, 'Writing the export');
      const report = phaseReporter(job.onProgress, 'export');
      report(0, 2);
      const written = variants.exportOf(model, cached);
      const recipeFile: ExportFile = {
        name: 'recipe.json',
        data: new TextEncoder().encode(`${JSON.stringify(JSON.parse(canonicalJson(cached.recipe)), null, 2)}\n`),
      };
      // Copies: the cached export stays usable after these buffers are transferred away.
      const files = [...written.files, recipeFile].map((f) => ({ name: f.name, data: f.data.slice() }));
      report(1, 2);
      const zip = zipExport(files);
      report(2, 2);
      return send({ files, zip, sizes: written.sizes }, [zip.buffer, ...files.map((f) => f.data.buffer)]);
    },
  };
  return { api, models, variants, handles, data };
}

/** Comlink's transfer, for the worker. */
export const comlinkTransfer = <T>(value: T, buffers: Transferable[]): T => transfer(value, buffers);
