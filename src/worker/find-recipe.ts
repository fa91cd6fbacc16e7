/**
 * The studio's search: the core's searchRecipe on open data, with the split the page measures by (the first
 * samples calibrate, the ones after them validate) and only small results sent back.
 */
import { searchRecipe, type Candidate, type SearchOptions, type SearchTarget } from '../auto/search';
import { PareError } from '../errors';
import { countText } from '../evaluate/dataset';
import { sliceDataset } from '../evaluate/dataset-slice';
import type { OpenedModel } from '../model/types';
import type { RecipeData } from '../recipe/run/context';
import type { FoundRecipe, JobOptions, SearchCandidate } from './api';
import { phaseReporter } from './progress';

/** Validation samples at most: enough to tell half a point apart on most data, few enough to keep the search quick. */
const VALIDATION = 2000;

function candidateOf(c: Candidate): SearchCandidate {
  return { sparsity: c.sparsity, bits: c.bits, ...c.quality, wireBytes: c.wireBytes, meets: c.meets };
}

/**
 * Runs the search on `data`: its candidates calibrate on the first `calibrationSamples` (as the recipe it returns
 * will when applied to the same data) and are validated on the samples after them.
 * @example await findRecipe(model, openData, { kind: 'max-drop', points: 0.5 }, 256, { onProgress })
 */
export async function findRecipe(
  model: OpenedModel,
  data: RecipeData,
  target: SearchTarget,
  calibrationSamples: number,
  job: JobOptions = {},
  /** The grid searched (default the core's: 8 to 3 bits, sparsities 0 to 0.97); tests search a small one. */
  grid: Pick<SearchOptions, 'bits' | 'sparsities' | 'refine'> = {},
): Promise<FoundRecipe> {
  const samples = Math.floor(calibrationSamples);
  if (!(samples >= 1) || data.dataset.size - samples < 32) {
    throw new PareError(
      'bad-options',
      `The search calibrates on the first ${countText(samples)} samples and validates on at least 32 after them; the data has ${countText(data.dataset.size)}.`,
    );
  }
  const validation = sliceDataset(data.dataset, samples, samples + VALIDATION, 'validation');
  const report = phaseReporter(job.onProgress, 'search');
  const started = Date.now();
  report(0, 1);
  const result = await searchRecipe(model, { calibration: data, validation }, target, {
    ...grid,
    samples,
    signal: job.signal,
    onCandidate: (_, done, total) => {
      const perCandidate = (Date.now() - started) / done;
      report(done, Math.max(done, total), perCandidate * Math.max(0, total - done));
    },
  });
  return {
    recipe: result.best?.recipe ?? null,
    best: result.best ? candidateOf(result.best) : null,
    original: { accuracy: result.original.quality.accuracy, wireBytes: result.original.wireBytes },
    tried: result.tried.map(candidateOf),
    complete: result.complete,
    durationMs: result.durationMs,
    validation: { first: samples + 1, last: samples + validation.size },
  };
}
