/**
 * The worker's handle for a variant entry. Apply stores the handle it gets; an entry without one (a session
 * restored from storage, or a worker that was restarted) registers its recipe once and keeps the new handle, so
 * measure, histogram and export always go by handle and never send a recipe.
 *
 * A recipe that calibrates on data is a different variant on other data: its handle is kept per data id, so
 * opening other data registers it again (and the worker builds it from that data).
 */
import { dataRolesOf } from '../../src/recipe/schema';
import type { DataBinding, Recipe, StudioError } from '../../src/worker/api';
import { studioClient } from './client';
import { studio, type StudioState } from './store';
import type { VariantEntry } from './variants-slice';

/** The open data, for every role a recipe may name: the studio calibrates on the data it measures with. */
export function dataBinding(s: Pick<StudioState, 'data'>): DataBinding {
  return s.data ? { calibration: s.data.id } : {};
}

/**
 * A retarget recipe's data: it trains on the new classes' training images, and any calibrated step after it
 * calibrates on them too (the retargeted model knows only those classes).
 */
export function newClassesBinding(recipe: Recipe, trainingId: string): DataBinding {
  const roles = dataRolesOf(recipe);
  return { training: trainingId, ...(roles.includes('calibration') ? { calibration: trainingId } : {}) };
}

/** The training and validation slices a trained entry's recipe names, on the data it measures with. */
export function trainingBinding(entry: Pick<VariantEntry, 'trainedOn'>, data: DataBinding): DataBinding {
  const dataId = data.calibration;
  if (!entry.trainedOn || typeof dataId !== 'string') return {};
  const { train, validation } = entry.trainedOn;
  return { training: { dataId, start: 0, end: train }, ...(validation > train ? { validation: { dataId, start: train, end: validation } } : {}) };
}

/** Where an entry's handle is kept: its id, and the data it calibrates on when its recipe names any. */
function handleKey(entryId: string, recipe: Recipe, data: DataBinding): string {
  return dataRolesOf(recipe).length > 0 ? `${entryId} @ ${data.calibration ?? data.training ?? 'no data'}` : entryId;
}

/** Remembers `handle` for the entry `entryId` of `recipe` on `data`, if `modelId` is still the open model. */
export function keepHandle(modelId: string, entryId: string, recipe: Recipe, data: DataBinding, handle: string): void {
  const key = handleKey(entryId, recipe, data);
  studio.setState((s) => (s.model?.id === modelId ? { variantHandles: { ...s.variantHandles, [key]: handle } } : {}));
}

/**
 * The handle of `entry` for the open model `modelId` (its recipe's data roles bound to `openData`, or to its
 * own class folders); null for the original.
 */
export async function handleOf(modelId: string, entry: VariantEntry, openData: DataBinding): Promise<string | null> {
  if (entry.recipe === null) return null;
  // A variant taught new classes is built from its own class folders, whatever the Data panel holds.
  const data = entry.newClasses ? newClassesBinding(entry.recipe, entry.newClasses.trainingId) : openData;
  const known = studio.getState().variantHandles[handleKey(entry.id, entry.recipe, data)];
  if (known !== undefined && studio.getState().model?.id === modelId) return known;
  if (entry.pinned) {
    throw { code: 'bad-options', message: `'${entry.name}' came from training stopped mid-epoch, which no recipe rebuilds, and the worker that held it was restarted; train again.` } satisfies StudioError;
  }
  const [handle] = await studioClient().registerVariants(modelId, [entry.recipe], { ...data, ...trainingBinding(entry, data) });
  keepHandle(modelId, entry.id, entry.recipe, data, handle!);
  return handle!;
}
