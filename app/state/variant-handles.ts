/**
 * The worker's handle for a variant entry. Apply stores the handle it gets; an entry without one (a session
 * restored from storage, or a worker that was restarted) registers its recipe once and keeps the new handle, so
 * measure, histogram and export always go by handle and never send a recipe.
 */
import { studioClient } from './client';
import { studio } from './store';
import type { VariantEntry } from './variants-slice';

/** Remembers `handle` for entry `entryId`, if `modelId` is still the open model. */
export function keepHandle(modelId: string, entryId: string, handle: string): void {
  studio.setState((s) => (s.model?.id === modelId ? { variantHandles: { ...s.variantHandles, [entryId]: handle } } : {}));
}

/** The handle of `entry` for the open model `modelId`; null for the original. */
export async function handleOf(modelId: string, entry: VariantEntry): Promise<string | null> {
  if (entry.recipe === null) return null;
  const known = studio.getState().variantHandles[entry.id];
  if (known !== undefined && studio.getState().model?.id === modelId) return known;
  const [handle] = await studioClient().registerVariants(modelId, [entry.recipe]);
  keepHandle(modelId, entry.id, handle);
  return handle;
}
