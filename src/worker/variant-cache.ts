/**
 * Variants the worker has built, by model id and key (the recipe's hash, and the fingerprints of the data its
 * steps used). Building is deterministic, so a variant that was
 * evicted (or lost with a restarted worker) is simply built again from its recipe when asked for.
 */
import { exportVariant, type ExportResult } from '../export';
import type { OpenedModel } from '../model/types';
import { applyRecipe } from '../recipe/apply';
import type { RecipeData } from '../recipe/run/context';
import { recipeHash, type DataRole, type Recipe } from '../recipe/schema';
import type { ApplyOptions, ApplyProgress, Variant } from '../recipe/variant';

export interface CachedVariant {
  recipe: Recipe;
  variant: Variant;
  /** The export, written once on first need (sizes take a gzip pass) and kept for downloads. */
  exported?: ExportResult;
}

/** Variants kept per model; older ones are dropped first (and rebuilt on demand). */
const KEEP = 12;

export class VariantCache {
  private readonly byModel = new Map<string, Map<string, Promise<CachedVariant>>>();
  /** Variants no recipe rebuilds (training stopped before an epoch finished): kept until the model closes. */
  private readonly pinnedByModel = new Map<string, Map<string, CachedVariant>>();

  /**
   * The variant of `recipe` (with `data` for the roles its steps name), built now or found by `key` (default:
   * the recipe's hash, for recipes without data). A failed or cancelled build is not cached. `signal` stops a
   * build this call starts; a build already under way for another call is shared as it is.
   */
  get(
    modelId: string,
    model: OpenedModel,
    recipe: Recipe,
    options: {
      key?: string;
      data?: Partial<Record<DataRole, RecipeData>>;
      onProgress?: (p: ApplyProgress) => void;
      signal?: AbortSignal;
      /** Training steps' progress, and a signal that ends training early keeping the best checkpoint. */
      onTraining?: ApplyOptions['onTraining'];
      stopTraining?: AbortSignal;
    } = {},
  ): Promise<CachedVariant> {
    const hash = options.key ?? recipeHash(recipe);
    let models = this.byModel.get(modelId);
    if (!models) this.byModel.set(modelId, (models = new Map()));
    const found = models.get(hash);
    if (found) {
      // Most recently used last.
      models.delete(hash);
      models.set(hash, found);
      return found;
    }
    const building = applyRecipe(model, recipe, {
      data: options.data,
      onProgress: options.onProgress,
      signal: options.signal,
      onTraining: options.onTraining,
      stopTraining: options.stopTraining,
    }).then(
      (variant) => ({ recipe, variant }),
    );
    models.set(hash, building);
    building.catch(() => {
      if (models.get(hash) === building) models.delete(hash);
    });
    while (models.size > KEEP) models.delete(models.keys().next().value!);
    return building;
  }

  /**
   * Stores a variant built elsewhere (a training run, whose key is known only once it ends) under `key`; a
   * `pinned` one is never evicted, since nothing could build it again.
   */
  put(modelId: string, key: string, cached: CachedVariant, pinned = false): void {
    if (pinned) {
      let pins = this.pinnedByModel.get(modelId);
      if (!pins) this.pinnedByModel.set(modelId, (pins = new Map()));
      pins.set(key, cached);
      return;
    }
    let models = this.byModel.get(modelId);
    if (!models) this.byModel.set(modelId, (models = new Map()));
    models.delete(key);
    models.set(key, Promise.resolve(cached));
    while (models.size > KEEP) models.delete(models.keys().next().value!);
  }

  /** A pinned variant, or undefined. */
  pinned(modelId: string, key: string): CachedVariant | undefined {
    return this.pinnedByModel.get(modelId)?.get(key);
  }

  /** The export of a cached variant, written on first call. */
  exportOf(model: OpenedModel, cached: CachedVariant): ExportResult {
    cached.exported ??= exportVariant(model, cached.variant, cached.recipe);
    return cached.exported;
  }

  /** Whether the variant of `key` is held (built or being built), without touching the order. */
  has(modelId: string, key: string): boolean {
    return this.byModel.get(modelId)?.has(key) ?? false;
  }

  /** Drops one variant (tests use it to stand for eviction). */
  evict(modelId: string, hash: string): void {
    this.byModel.get(modelId)?.delete(hash);
  }

  /** Forgets a model's variants. */
  drop(modelId: string): void {
    this.byModel.delete(modelId);
    this.pinnedByModel.delete(modelId);
  }

  /** How many variants are kept for a model (for tests). */
  size(modelId: string): number {
    return this.byModel.get(modelId)?.size ?? 0;
  }
}
