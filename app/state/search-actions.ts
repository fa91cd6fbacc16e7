/**
 * Find: the search for the smallest recipe that meets the user's target, run in the worker on the open data.
 * Its answer is a plain recipe: it goes into the controls (so the sliders show what was found) and is applied like
 * any other, so the variant is reproducible from its recipe, the original and the data.
 */
import { STUDIO_CALIBRATION_SAMPLES, controlsFromRecipe } from '../../src/studio/controls';
import type { SearchTarget } from '../../src/worker/api';
import { studioClient } from './client';
import { holdOutCalibration } from './hold-out';
import { runJob } from './jobs';
import { studio } from './store';
import { applyCurrent } from './variant-actions';
import { formatCount, formatPlural, formatTarget } from '../../src/text/wording';

export function setSearchTarget(searchTarget: SearchTarget): void {
  studio.setState({ searchTarget });
}

/** The target as a phrase: 'within 0.5 points of the original's accuracy'. */
export function targetText(t: SearchTarget): string {
  switch (t.kind) {
    case 'max-drop':
      return `within ${t.points} points of the original's accuracy`;
    case 'min-agreement':
      return `agreeing with the original on at least ${formatTarget(t.value)} of samples`;
    case 'min-cosine':
      return `with outputs at cosine ${t.value} or closer to the original's`;
    case 'target-size':
      return `at most ${t.bytes.toLocaleString('en-US')} bytes over the wire`;
  }
}

/**
 * Runs the search, then applies its answer. Resolves true when a recipe was found and applied. Cancelled, it keeps
 * the best recipe found so far in the controls (Apply builds it); with none meeting the target, it says so.
 */
export async function findSmallest(): Promise<boolean> {
  const s = studio.getState();
  if (!s.model || s.job) return false;
  const samples = s.controls.calibrationSamples ?? STUDIO_CALIBRATION_SAMPLES;
  const refused = holdOutCalibration(samples, 'The search calibrates and validates on data: open data in the Data panel first.');
  if (refused) {
    studio.setState({ jobError: { ...refused, job: 'search' } });
    return false;
  }
  const target = s.searchTarget;
  const model = s.model;
  const dataId = studio.getState().data!.id;
  let found = false;
  const done = await runJob('search', `Finding the smallest recipe ${targetText(target)}`, 1, async (ctx) => {
    ctx.step('Trying recipes');
    const result = await studioClient().findRecipe(model.id, dataId, target, samples, ctx.job);
    if (studio.getState().model?.id !== model.id) return;
    studio.setState({ found: { target, result } });
    if (result.recipe) {
      studio.setState({ controls: controlsFromRecipe(result.recipe, model.inventory.weights).controls, loadedRecipe: null });
      found = result.complete;
    }
  });
  const result = studio.getState().found?.result;
  if (!done || !result) return false;
  if (!result.complete) {
    const text = result.recipe
      ? `The search was cancelled after ${formatPlural(result.tried.length, 'recipe')}; the best so far is in the controls, and Apply builds it.`
      : `The search was cancelled after ${formatPlural(result.tried.length, 'recipe')}, before any met the target.`;
    studio.setState({ notice: { job: 'search', text } });
    return false;
  }
  if (!found) {
    studio.setState({ notice: { job: 'search', text: `${result.tried.length === 1 ? 'The one recipe' : `None of the ${formatCount(result.tried.length)} recipes`} tried is ${result.tried.length === 1 ? 'not ' : ''}${targetText(target)}; the controls are unchanged.` } });
    return false;
  }
  return applyCurrent();
}
