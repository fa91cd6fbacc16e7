/**
 * The Export panel's "Fused graph model" option. A variant whose recipe already fuses into a graph model exports
 * as one; for any other, the option cannot just change how the same variant is written, because fusing changes the
 * model (batch norms folded into the kernels, different float rounding, another format). So it names a new recipe,
 * the variant's with a `fuse` step, which the page adds as its own variant and exports: what is downloaded is
 * always a variant in the table, reproducible from its recipe, and measurable like the others.
 */
import { parseRecipe, type Recipe } from '../recipe/schema';
import type { Step } from '../recipe/steps';

export type FusedExport = { kind: 'already' } | { kind: 'new'; recipe: Recipe };

const fusesToGraph = (s: Step) => s.step === 'fuse' && (s.format ?? 'graph-model') === 'graph-model';

/**
 * @param recipe the selected variant's recipe (null: the original)
 * @example fusedExportOf(null) // { kind: 'new', recipe: { ..., steps: [{ step: 'fuse' }] } }
 */
export function fusedExportOf(recipe: Recipe | null): FusedExport {
  const steps = recipe?.steps ?? [];
  if (steps.some(fusesToGraph)) return { kind: 'already' };
  // No `format`: the fuse step writes a graph model by default, and this is then the very recipe the "Fold batch
  // norms" control makes (same hash, same variant).
  const fuse: Step = { step: 'fuse' };
  const without = steps.filter((s) => s.step !== 'fuse');
  // Storage decides the stored codes, so it stays last; everything else (channels, pruning, training) comes first.
  const q = without.findIndex((s) => s.step === 'quantize');
  const next = q >= 0 ? [...without.slice(0, q), fuse, ...without.slice(q)] : [...without, fuse];
  return { kind: 'new', recipe: parseRecipe({ pare: 'recipe', version: 2, steps: next }) };
}
