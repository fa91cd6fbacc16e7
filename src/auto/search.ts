/**
 * The search: "as small as possible, within my target". Candidates are plain recipes — error-compensating pruning
 * to a global sparsity (obs, each layer's share as the magnitude threshold would take it) followed by
 * error-compensating rounding (gptq) at a bit width — each applied, measured on the validation part of the data
 * (never on what was calibrated with) and sized as the export would be over the wire. For each bit width the
 * sparsity is found by bisection over a ladder (accuracy falls as sparsity rises); the answer is the smallest
 * candidate that meets the target (or, for a size target, the most accurate one within it). Every candidate is
 * reported as it is measured, so the page can draw it; a cancelled search returns the best found so far.
 */
import type * as tf from '@tensorflow/tfjs';
import { PareError } from '../errors';
import type { Dataset } from '../evaluate/dataset';
import { evaluateModel } from '../evaluate/evaluate';
import { exportVariant, gzipBytes, type ExportFile } from '../export';
import { loadTfModel } from '../model/load-tf';
import type { OpenedModel } from '../model/types';
import { applyRecipe } from '../recipe/apply';
import { variantArtifacts } from '../recipe/artifacts';
import type { RecipeData } from '../recipe/run/context';
import { parseRecipe, type Recipe, type StepInput } from '../recipe/schema';

export type SearchTarget =
  | { kind: 'max-drop'; points: number }
  | { kind: 'min-agreement'; value: number }
  | { kind: 'min-cosine'; value: number }
  | { kind: 'target-size'; bytes: number };

export interface Quality {
  /** Top-1 accuracy on the validation part, when it is labelled. */
  accuracy: number | null;
  /** Against the original on the same samples. */
  agreement: number;
  cosine: number;
}

export interface Candidate {
  recipe: Recipe;
  sparsity: number;
  bits: number;
  quality: Quality;
  /** model.json and shards, each gzipped at level 9: what the export costs over a compressing server. */
  wireBytes: number;
  meets: boolean;
}

export interface SearchResult {
  original: { quality: Quality; wireBytes: number };
  /** The answer: null when no candidate met the target. */
  best: Candidate | null;
  /** The answer's export (model.json first, then the shards), kept from when it was measured. */
  bestFiles: ExportFile[] | null;
  tried: Candidate[];
  /** False when cancelled: `best` is then the best found so far. */
  complete: boolean;
  durationMs: number;
}

export interface SearchOptions {
  /** Bit widths to try, widest first (default 8, 6, 5, 4, 3). */
  bits?: number[];
  /** Sparsities to bisect over (default 0 to 0.97). */
  sparsities?: number[];
  /** Calibration samples per step (default 512, or fewer if the calibration part is smaller). */
  samples?: number;
  signal?: AbortSignal;
  onCandidate?: (c: Candidate, done: number, total: number) => void;
}

const DEFAULT_BITS = [8, 6, 5, 4, 3];
const DEFAULT_SPARSITIES = [0, 0.3, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.93, 0.95, 0.97];

function meets(target: SearchTarget, q: Quality, original: Quality, wireBytes: number): boolean {
  switch (target.kind) {
    case 'max-drop':
      return q.accuracy !== null && original.accuracy !== null && (original.accuracy - q.accuracy) * 100 <= target.points + 1e-9;
    case 'min-agreement':
      return q.agreement >= target.value;
    case 'min-cosine':
      return q.cosine >= target.value;
    case 'target-size':
      return wireBytes <= target.bytes;
  }
}

/** Which of two candidates that meet the target is the better answer. */
function better(target: SearchTarget, a: Candidate, b: Candidate | null): boolean {
  if (!b) return true;
  if (target.kind === 'target-size') return (a.quality.accuracy ?? a.quality.cosine) > (b.quality.accuracy ?? b.quality.cosine);
  return a.wireBytes < b.wireBytes;
}

function candidateRecipe(sparsity: number, bits: number, samples: number): Recipe {
  const steps: StepInput[] = [];
  if (sparsity > 0) steps.push({ step: 'prune', sparsity, method: 'obs', data: 'calibration', samples });
  steps.push({ step: 'quantize', default: bits === 8 ? 'uint8' : { bits }, method: 'gptq', data: 'calibration', samples });
  return parseRecipe({ pare: 'recipe', version: 2, steps });
}

/**
 * Finds the recipe that meets `target` with the fewest bytes over the wire (or the most accurate within a size).
 * @example
 *   const { best } = await searchRecipe(model, { calibration, validation }, { kind: 'max-drop', points: 0.5 });
 *   best?.recipe // a plain recipe: apply it with the same calibration data to get the same bytes
 */
export async function searchRecipe(
  model: OpenedModel,
  data: { calibration: RecipeData; validation: Dataset },
  target: SearchTarget,
  options: SearchOptions = {},
): Promise<SearchResult> {
  const started = performance.now();
  if (target.kind === 'max-drop' && !data.validation.labelled) {
    throw new PareError('bad-options', 'A maximum accuracy drop needs labelled data; without labels, ask for a minimum agreement or cosine.');
  }
  const bits = options.bits ?? DEFAULT_BITS;
  const ladder = options.sparsities ?? DEFAULT_SPARSITIES;
  const samples = Math.min(options.samples ?? 512, data.calibration.dataset.size);
  const reference = await loadTfModel(model.artifacts, model.format);
  const tried: Candidate[] = [];
  let best: Candidate | null = null;
  let bestFiles: ExportFile[] | null = null;
  let original: SearchResult['original'] = { quality: { accuracy: null, agreement: 1, cosine: 1 }, wireBytes: 0 };
  const total = bits.length * (Math.ceil(Math.log2(ladder.length)) + 1);
  try {
    const measure = async (m: tf.LayersModel | tf.GraphModel): Promise<Quality> => {
      const r = await evaluateModel(m, data.validation, { reference, signal: options.signal });
      return { accuracy: r.accuracy?.accuracy ?? null, agreement: r.fidelity!.agreement, cosine: r.fidelity!.cosine };
    };
    const unchanged = parseRecipe({ pare: 'recipe', version: 2, steps: [] });
    original = { quality: await measure(reference), wireBytes: wireBytesOf(exportVariant(model, await applyRecipe(model, unchanged), unchanged)) };

    const tryOne = async (sparsity: number, b: number): Promise<Candidate> => {
      const recipe = candidateRecipe(sparsity, b, samples);
      const variant = await applyRecipe(model, recipe, { signal: options.signal, data: { calibration: data.calibration } });
      const exported = exportVariant(model, variant, recipe);
      const wireBytes = wireBytesOf(exported);
      const tfModel = await loadTfModel(variantArtifacts(model, variant), variant.format);
      let quality: Quality;
      try {
        quality = await measure(tfModel);
      } finally {
        tfModel.dispose();
      }
      const c: Candidate = { recipe, sparsity, bits: b, quality, wireBytes, meets: meets(target, quality, original.quality, wireBytes) };
      tried.push(c);
      if (c.meets && better(target, c, best)) [best, bestFiles] = [c, exported.files];
      options.onCandidate?.(c, tried.length, total);
      return c;
    };

    for (const b of bits) {
      const seen = new Map<number, Candidate>();
      const at = async (i: number): Promise<Candidate> => seen.get(i) ?? seen.set(i, await tryOne(ladder[i]!, b)).get(i)!;
      if (target.kind === 'target-size') {
        // The lowest sparsity that fits: unpruned if it fits; none if even the most pruned does not.
        if ((await at(0)).meets || !(await at(ladder.length - 1)).meets) continue;
        let [lo, hi] = [0, ladder.length - 1]; // lo misses, hi fits
        while (hi - lo > 1) {
          const mid = Math.floor((lo + hi) / 2);
          if ((await at(mid)).meets) hi = mid;
          else lo = mid;
        }
      } else {
        // The highest sparsity that still meets the target; none if even unpruned this width misses it.
        if (!(await at(0)).meets) continue;
        let [lo, hi] = [0, ladder.length - 1]; // lo meets
        while (lo < hi) {
          const mid = Math.ceil((lo + hi) / 2);
          if ((await at(mid)).meets) lo = mid;
          else hi = mid - 1;
        }
      }
    }
    return { original, best, bestFiles, tried, complete: true, durationMs: performance.now() - started };
  } catch (e) {
    if (e instanceof PareError && e.code === 'cancelled') {
      return { original, best, bestFiles, tried, complete: false, durationMs: performance.now() - started };
    }
    throw e;
  } finally {
    reference.dispose();
  }
}

function wireBytesOf(exported: ReturnType<typeof exportVariant>): number {
  return gzipBytes(exported.files[0]!.data) + exported.sizes.weightGzipBytes;
}
