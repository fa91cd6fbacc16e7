/** Derived values the panels and actions share. Pure functions of the state. */
import { recipeFromControls, type CompressControls } from '../../src/studio/controls';
import { recipeHash } from '../../src/recipe/schema';
import type { Recipe } from '../../src/worker/api';
import type { StudioState } from './store';
import { ORIGINAL, type VariantEntry } from './variants-slice';

const recipes = new WeakMap<CompressControls, Recipe>();

/** The recipe Apply would use: a loaded recipe verbatim, else the controls'. Memoized per controls object. */
export function currentRecipe(s: Pick<StudioState, 'controls' | 'loadedRecipe'>): Recipe {
  if (s.loadedRecipe) return s.loadedRecipe.recipe;
  let recipe = recipes.get(s.controls);
  if (!recipe) {
    recipe = recipeFromControls(s.controls);
    recipes.set(s.controls, recipe);
  }
  return recipe;
}

const hashes = new WeakMap<Recipe, string>();

/** recipeHash of a recipe object, memoized (the store asks on every change). */
export function hashOf(recipe: Recipe): string {
  let hash = hashes.get(recipe);
  if (hash === undefined) {
    hash = recipeHash(recipe);
    hashes.set(recipe, hash);
  }
  return hash;
}

export function selectedEntry(s: Pick<StudioState, 'variants' | 'selectedId'>): VariantEntry {
  return s.variants.find((v) => v.id === s.selectedId) ?? s.variants[0];
}

export function originalOf(s: Pick<StudioState, 'variants'>): VariantEntry {
  return s.variants.find((v) => v.id === ORIGINAL) ?? s.variants[0];
}

/** The measured quality (accuracy or agreement) of an entry, or null. */
export function qualityValue(v: VariantEntry): number | null {
  return v.measurement?.quality?.value ?? null;
}

/**
 * Whether an entry's measurement is current: measured, on the data now open (or none when none is); a variant
 * taught new classes, on the held-out images of its own class folders.
 */
export function isMeasuredNow(v: VariantEntry, dataKey: string | null): boolean {
  if (v.newClasses) return v.measurement !== null && v.measuredOn === v.newClasses.dataKey;
  return v.measurement !== null && v.measuredOn === dataKey;
}

/** The current data's key, or null without data. */
export function currentDataKey(s: Pick<StudioState, 'data'>): string | null {
  if (!s.data) return null;
  // Measured on other samples is other data: measurements made before the hold-out are stale after it.
  return s.data.heldOut > 0 ? `${s.data.key} · without the first ${s.data.heldOut}` : s.data.key;
}

/** Whether a job is running (one at a time). */
export function busy(s: Pick<StudioState, 'job'>): boolean {
  return s.job !== null;
}
