/**
 * Export and recipes: write the selected variant (zip download; each file on its own), save the recipe as JSON,
 * and load a recipe back into the controls.
 */
import { parseRecipeText } from '../../src/recipe/schema';
import { controlsFromRecipe } from '../../src/studio/controls';
import { saveFile, slug } from '../files/download';
import { toStudioError } from '../studio-error';
import { studioClient } from './client';
import { runJob } from './jobs';
import { currentRecipe, selectedEntry } from './selectors';
import { studio } from './store';
import { dataBinding, handleOf } from './variant-handles';
import { ORIGINAL } from './variants-slice';

function baseName(): string {
  const s = studio.getState();
  const label = s.model?.source.label.replace(/^Sample: /, '') ?? 'model';
  return slug(label.split(' + ')[0].replace(/(^|\/)model\.json$/i, '$1').replace(/\/$/, '') || label);
}

/** Writes the selected variant and downloads it as one zip (model.json, shards, recipe.json). */
export async function exportSelected(): Promise<boolean> {
  const s = studio.getState();
  const entry = selectedEntry(s);
  if (!s.model || entry.id === ORIGINAL || entry.recipe === null) return false;
  const zipName = `${baseName()}-${slug(entry.name)}.zip`;
  return runJob('export', entry.name, 1, async (ctx) => {
    ctx.step(`Writing ${entry.name}`);
    const modelId = studio.getState().model!.id;
    const handle = (await handleOf(modelId, entry, dataBinding(studio.getState())))!;
    const out = await studioClient().exportVariant(modelId, handle, ctx.job);
    studio.setState({ lastExport: { variantId: entry.id, zipName, files: out.files, zip: out.zip, sizes: out.sizes } });
    saveFile(zipName, out.zip, 'application/zip');
  });
}

/** Downloads one file of the last export on its own. */
export function downloadExportFile(name: string): void {
  const file = studio.getState().lastExport?.files.find((f) => f.name === name);
  if (file) saveFile(name, file.data, name.endsWith('.json') ? 'application/json' : 'application/octet-stream');
}

/** Downloads the last export's zip again. */
export function downloadExportZip(): void {
  const last = studio.getState().lastExport;
  if (last) saveFile(last.zipName, last.zip, 'application/zip');
}

/** The recipe Save recipe writes: the selected variant's, or (with the original selected) the controls'. */
export function recipeToSave() {
  const s = studio.getState();
  const entry = selectedEntry(s);
  return entry.recipe ?? currentRecipe(s);
}

/** Downloads the recipe as JSON. */
export function saveRecipe(): void {
  const s = studio.getState();
  const entry = selectedEntry(s);
  const name = entry.recipe ? `${baseName()}-${slug(entry.name)}-recipe.json` : `${baseName()}-recipe.json`;
  saveFile(name, `${JSON.stringify(recipeToSave(), null, 2)}\n`, 'application/json');
}

/**
 * Loads a recipe file into the controls. A recipe the controls cannot say exactly is kept and used verbatim by
 * Apply (until a control is touched). Errors land in `recipeError`.
 */
export async function loadRecipeFile(file: Blob & { name: string }): Promise<boolean> {
  const model = studio.getState().model;
  if (!model) return false;
  try {
    const recipe = parseRecipeText(await file.text(), file.name);
    const { controls, exact } = controlsFromRecipe(recipe, model.inventory.weights);
    studio.setState({ controls, loadedRecipe: exact ? null : { name: file.name, recipe }, recipeError: null });
    return true;
  } catch (thrown) {
    studio.setState({ recipeError: toStudioError(thrown) });
    return false;
  }
}

export function dismissRecipeError(): void {
  studio.setState({ recipeError: null });
}
