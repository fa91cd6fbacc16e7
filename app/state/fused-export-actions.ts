/**
 * Export as a fused graph model. A variant that already fuses exports as it is; any other (the original too)
 * gets its fused sibling: a new variant in the table, '<name> + fused', whose recipe is the selected one's with a
 * `fuse` step (src/studio/fused-export.ts says why it is a new variant), selected and exported. It is built in the
 * worker on export and measured like any variant when the user asks.
 */
import { describeRecipe } from '../../src/recipe/schema';
import { fusedExportOf } from '../../src/studio/fused-export';
import { exportSelected } from './export-actions';
import { hashOf, selectedEntry } from './selectors';
import { studio } from './store';
import { ORIGINAL, type VariantEntry } from './variants-slice';

export function setExportFused(exportFused: boolean): void {
  studio.setState({ exportFused });
}

/** The name the fused sibling of `entry` gets. */
export function fusedName(entry: Pick<VariantEntry, 'id' | 'name'>): string {
  return `${entry.id === ORIGINAL ? 'Original' : entry.name} + fused`;
}

/** Exports the selected entry, as a fused graph model when the option is on. */
export async function exportChosen(): Promise<boolean> {
  const s = studio.getState();
  if (!s.model || s.job) return false;
  if (!s.exportFused) return exportSelected();
  const entry = selectedEntry(s);
  const fused = fusedExportOf(entry.recipe);
  if (fused.kind === 'already') return exportSelected();
  const id = hashOf(fused.recipe);
  if (!s.variants.some((v) => v.id === id)) {
    const sibling: VariantEntry = {
      id,
      name: fusedName(entry),
      recipe: fused.recipe,
      summary: describeRecipe(fused.recipe),
      built: null,
      measurement: null,
      measuredOn: null,
      createdAt: Date.now(),
    };
    studio.setState((st) => ({ variants: [...st.variants, sibling] }));
  }
  studio.setState({ selectedId: id });
  return exportSelected();
}
