/**
 * The search: "as small as possible, within my target". Candidates are plain recipes — error-compensating pruning
 * to a global sparsity (obs, each layer's share as the magnitude threshold would take it) followed by
 * error-compensating rounding (gptq) at a bit width — each applied, measured on the validation part of the data
 * (never on what was calibrated with) and sized as the export would be over the wire. For each bit width the
 * sparsity is found by bisection over a ladder (accuracy falls as sparsity rises); the answer is the smallest
 * candidate that meets the target (or, for a size target, the most accurate one within it). Then, for the other
 * targets, mixed precision refines the best uniform answer tensor by tensor (mixed.ts), its moves ordered by the
 * sensitivity curves or, for a graph model too large for them, by each layer's output error (output-error-costs.ts).
 * Every candidate keeps biases at 8 bits below that, since they are few and feed every output (in a graph model,
 * every float tensor that is not a prunable kernel, at float16 if the input has it as float32), and a layers model's
 * candidates correct their biases. A model with several outputs must meet a fidelity target on each of them. Every
 * candidate is reported as it is measured, so the page can draw it; a cancelled search returns the best found so far.
 *
 * What a candidate costs: its calibration, its gptq solves and one pass over the validation part. The original runs on
 * the validation part once (ReferenceOutputs), and a graph model's candidates round with gptq from one pass over the
 * unchanged model (`sequential: false`), which every unpruned candidate shares (InputStatsCache): its Gram matrices
 * are captured once per search, not once per candidate and layer.
 */
import type * as tf from '@tensorflow/tfjs';
import { PareError } from '../errors';
import type { Dataset } from '../evaluate/dataset';
import { evaluateModel } from '../evaluate/evaluate';
import { ReferenceOutputs } from '../evaluate/reference-outputs';
import { exportVariant, gzipBytes, type ExportFile } from '../export';
import { loadTfModel } from '../model/load-tf';
import type { OpenedModel } from '../model/types';
import { applyRecipe } from '../recipe/apply';
import { variantArtifacts } from '../recipe/artifacts';
import type { RecipeData } from '../recipe/run/context';
import { parseRecipe, type Recipe, type StepInput } from '../recipe/schema';
import { matches } from '../recipe/match';
import { sensitivity } from '../calibrate/sensitivity';
import { InputStatsCache } from '../calibrate/stats-cache';
import { afterMoves, curveCosts, downMoves, MIXED_LADDER, moveSequence, precisionOf, upMoves, widthRules, withMove, type WidthCosts, type Widths } from './mixed';
import { outputErrorCosts } from './output-error-costs';
import { heldFidelity, heldOutputIndices } from './held-outputs';

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
  /** The quantize step's default width (every prunable tensor's, unless `widths` says otherwise). */
  bits: number;
  /** Mixed precision: the prunable tensors' widths (16 for float16), when they are not all `bits`. */
  widths?: Record<string, number>;
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
  /** Mixed-precision candidates after the uniform search, at most this many (default 16; 0 for uniform only). */
  refine?: number;
  /**
   * Bias correction in every candidate's quantize step. Default: on for layers models; off for graph models, which it
   * covers too (src/quantize/graph-bias.ts) but whose search figures were measured without it, and where it adds a
   * calibration pass per candidate to a search that is already long.
   */
  biasCorrection?: boolean;
  /**
   * gptq's statistics layer by layer on what earlier layers became (true), or from one pass over the unchanged
   * model, captured once and reused by every unpruned candidate (false). Default: true for layers models, false for
   * graph models, whose convolutions' Gram matrices make each capture cost as much as the rest of a candidate.
   */
  sequential?: boolean;
  /**
   * What the mixed-precision moves are ordered by. 'curves': the sensitivity curves, the model's cosine with each
   * tensor alone quantized (a model pass per tensor, width and calibration sample). 'output-error': each layer's
   * own output error at each width, from the Gram matrices gptq captured (a solve per width, no model pass); the
   * moves are then taken in runs of the cheapest (galloping, then bisection over how many), before one at a time. Default: curves
   * for layers models and for graph models of up to CURVES_MAX_TENSORS prunable tensors, output-error beyond.
   */
  ordering?: 'curves' | 'output-error';
  /**
   * Hold a fidelity target on these outputs only, by name (held-outputs.ts): for a model whose other outputs are a
   * discontinuous function of them, such as a detector's boxes after non-max suppression. Default: every output.
   */
  outputs?: string[];
  signal?: AbortSignal;
  onCandidate?: (c: Candidate, done: number, total: number) => void;
}

const DEFAULT_BITS = [8, 6, 5, 4, 3];
/**
 * Graph models with more prunable tensors than this order their moves by output error: the curves' passes grow with
 * the tensors, and each pass of a large graph through executeAsync is slow (human handtrack: 123 kernels, ~0.5 s a
 * view, about 2 hours of curves; emotion's 13 and blazeface's 69 take minutes).
 */
export const CURVES_MAX_TENSORS = 100;
const DEFAULT_SPARSITIES = [0, 0.3, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.93, 0.95, 0.97];

/** SearchOptions.ordering's default: curves where they are affordable. */
export function defaultOrdering(model: Pick<OpenedModel, 'format' | 'weights'>): 'curves' | 'output-error' {
  return model.format === 'graph-model' && model.weights.filter((w) => w.prunable).length > CURVES_MAX_TENSORS ? 'output-error' : 'curves';
}

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

interface RecipeShape {
  samples: number;
  biasCorrection: boolean;
  sequential: boolean;
  /** Below 8 bits, these stay at 8: '* /bias' in a layers model; a graph model's non-prunable float tensors the input stores quantized. */
  keepAt8: string[];
  /** At every width, these are float16: a graph model's non-prunable float tensors the input stores as float32. */
  keepFloat16: string[];
}

/**
 * The small tensors a candidate keeps wider than its kernels. A layers model's biases by pattern, at 8 bits. In a
 * graph model, whose converter names them 'unknown_44' or '..._bn_offset', every float tensor that is not a
 * prunable kernel (biases, batch-norm offsets, scales), each by its name: at float16 when the input has them as
 * float32 (they are a few thousand numbers that feed every output: on blazeface, its 1,768 of them at uint8 alone
 * held the cosine to 0.995 with every kernel at float16), else at 8 bits, their published grid kept.
 */
function keptWide(model: OpenedModel): Pick<RecipeShape, 'keepAt8' | 'keepFloat16'> {
  const floats = model.weights.filter((w) => !w.prunable && !w.batchNormStatistic && w.dtype === 'float32');
  if (model.format === 'layers-model') return { keepAt8: floats.some((w) => matches(w.name, '*/bias')) ? ['*/bias'] : [], keepFloat16: [] };
  return { keepAt8: floats.filter((w) => w.quantization).map((w) => w.name), keepFloat16: floats.filter((w) => !w.quantization).map((w) => w.name) };
}

function candidateRecipe(sparsity: number, bits: number, shape: RecipeShape, widths?: Widths): Recipe {
  const { samples } = shape;
  const steps: StepInput[] = [];
  if (sparsity > 0) steps.push({ step: 'prune', sparsity, method: 'obs', data: 'calibration', samples });
  const perTensor = [
    ...(widths ? widthRules(widths, bits) : []),
    ...(bits < 8 ? shape.keepAt8.map((match) => ({ match, precision: 'uint8' as const })) : []),
    ...shape.keepFloat16.map((match) => ({ match, precision: 'float16' as const })),
  ];
  steps.push({
    step: 'quantize',
    default: precisionOf(bits),
    ...(perTensor.length ? { perTensor } : {}),
    method: 'gptq',
    ...(shape.sequential ? {} : { sequential: false }),
    ...(shape.biasCorrection ? { biasCorrection: true } : {}),
    data: 'calibration',
    samples,
  });
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
  const shape: RecipeShape = {
    samples,
    // Off by default for graph models (see SearchOptions.biasCorrection).
    biasCorrection: options.biasCorrection ?? model.format === 'layers-model',
    sequential: options.sequential ?? model.format === 'layers-model',
    ...keptWide(model),
  };
  // Every candidate calibrates on the same data: what one captures on the unchanged model, the next reuses.
  const calibration: RecipeData = { ...data.calibration, statsCache: data.calibration.statsCache ?? new InputStatsCache() };
  const refine = target.kind === 'target-size' ? 0 : (options.refine ?? 16);
  const reference = await loadTfModel(model.artifacts, model.format);
  // The original runs once on the validation part; every candidate is compared with what it gave.
  const referenceOutputs = new ReferenceOutputs(reference);
  const tried: Candidate[] = [];
  let best: Candidate | null = null;
  let bestFiles: ExportFile[] | null = null;
  let original: SearchResult['original'] = { quality: { accuracy: null, agreement: 1, cosine: 1 }, wireBytes: 0 };
  const total = bits.length * (Math.ceil(Math.log2(ladder.length)) + 1) + refine;
  try {
    const held = options.outputs ? heldOutputIndices(reference, options.outputs) : null;
    const measure = async (m: tf.LayersModel | tf.GraphModel): Promise<Quality> => {
      // A model with several outputs (a detector's boxes and scores) is held to the target on each of them.
      const r = await evaluateModel(m, data.validation, { reference: referenceOutputs, signal: options.signal, everyOutput: true });
      const f = held ? heldFidelity(r.fidelity!, held) : r.fidelity!;
      return { accuracy: r.accuracy?.accuracy ?? null, agreement: f.agreement, cosine: f.cosine };
    };
    const unchanged = parseRecipe({ pare: 'recipe', version: 2, steps: [] });
    original = { quality: await measure(reference), wireBytes: wireBytesOf(exportVariant(model, await applyRecipe(model, unchanged), unchanged)) };

    const tryOne = async (sparsity: number, b: number, widths?: Widths): Promise<Candidate> => {
      const recipe = candidateRecipe(sparsity, b, shape, widths);
      const variant = await applyRecipe(model, recipe, { signal: options.signal, data: { calibration } });
      const exported = exportVariant(model, variant, recipe);
      const wireBytes = wireBytesOf(exported);
      const tfModel = await loadTfModel(variantArtifacts(model, variant), variant.format);
      let quality: Quality;
      try {
        quality = await measure(tfModel);
      } finally {
        tfModel.dispose();
      }
      const mixed = widths && [...widths.values()].some((w) => w !== b) ? { widths: Object.fromEntries(widths) } : {};
      const c: Candidate = { recipe, sparsity, bits: b, ...mixed, quality, wireBytes, meets: meets(target, quality, original.quality, wireBytes) };
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
    let start = best as Candidate | null;
    const ordering = options.ordering ?? defaultOrdering(model);
    let costs: WidthCosts | null = null;
    const costsOf = async (): Promise<WidthCosts> =>
      (costs ??=
        ordering === 'curves'
          ? curveCosts((await sensitivity(model, data.calibration.dataset, { sparsities: [], bits: [8, 4, 3, 2], samples: Math.min(256, samples), signal: options.signal })).rows)
          : await outputErrorCosts(model, calibration, (b) => candidateRecipe(0, b, { ...shape, sequential: false, biasCorrection: false }), MIXED_LADDER, { samples, signal: options.signal }));
    if (refine > 0 && !start && target.kind !== 'target-size') {
      // A tight fidelity target that even 8 bits miss (a float32 model's most sensitive tensors): the fewest
      // tensors to keep at float16, the rest at 8 bits, and the per-tensor refinement lowers widths from there.
      start = await rescueWithFloat16(await costsOf(), (w) => tryOne(0, 8, w));
    }
    if (refine > 0 && start) {
      // tryOne makes a candidate the answer when it meets the target with fewer bytes: that is what a move must do.
      const accepted = (c: Candidate) => best === c;
      const from = { sparsity: start.sparsity, bits: start.bits, widths: widthsOf(start, await costsOf()), frozen: new Set<string>() };
      const bisected = ordering === 'output-error' ? await bisectMoves(from, await costsOf(), refine, tryOne) : { ...from, used: 0 };
      await refineMixed(bisected, await costsOf(), ladder, refine - bisected.used, tryOne, accepted);
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

/** A candidate's width for each tensor the costs cover. */
function widthsOf(c: Candidate, costs: WidthCosts): Widths {
  return new Map(costs.tensors.map((r) => [r.tensor, c.widths?.[r.tensor] ?? c.bits]));
}

interface RefineFrom {
  sparsity: number;
  /** The quantize step's default width. */
  bits: number;
  widths: Widths;
  /** Tensors whose next move is known to miss. */
  frozen: Set<string>;
}

type TryOne = (sparsity: number, bits: number, widths: Widths) => Promise<Candidate>;

/**
 * The longest run of the cheapest moves (moveSequence) that still meets the target, by galloping (1, 2, 4 ...
 * moves while they meet) then bisection between the last run that met and the first that missed: about
 * 2·log2(k) candidates for an answer k moves long, where verifying each of a large model's hundreds of moves
 * would cost one each (a tight target such as a cosine of 0.999 keeps k small, so galloping beats bisecting the
 * whole sequence). Assumes that more moves lose more, which the costs make likely but not certain; every candidate
 * is measured, and the one kept is one that met. When the search closed, the next move is known to miss, so its
 * tensor is frozen for the one-at-a-time moves after it.
 */
async function bisectMoves(from: RefineFrom, costs: WidthCosts, budget: number, tryOne: TryOne): Promise<RefineFrom & { used: number }> {
  const sequence = moveSequence(costs, from.widths);
  let [lo, hi] = [0, sequence.length]; // the first lo moves meet (none: the start does); more than hi miss
  let used = 0;
  const meetsAfter = async (k: number) => {
    used++;
    return (await tryOne(from.sparsity, from.bits, afterMoves(from.widths, sequence, k))).meets;
  };
  for (let k = 1; lo < hi && used < budget; k = Math.min(2 * k, hi)) {
    if (await meetsAfter(k)) lo = k;
    else {
      hi = k - 1;
      break;
    }
  }
  while (lo < hi && used < budget) {
    const mid = Math.ceil((lo + hi) / 2);
    if (await meetsAfter(mid)) lo = mid;
    else hi = mid - 1;
  }
  const frozen = new Set(from.frozen);
  if (lo === hi && lo < sequence.length) frozen.add(sequence[lo]!.tensor);
  return { ...from, widths: afterMoves(from.widths, sequence, lo), frozen, used };
}

/**
 * Mixed precision from a uniform answer (or from where bisectMoves left it): lower widths tensor by tensor while
 * the target holds, then push the sparsity up the ladder, buying a step back with a small tensor at 8 bits when
 * that is what it takes.
 */
async function refineMixed(
  from: RefineFrom,
  costs: WidthCosts,
  ladder: readonly number[],
  budget: number,
  tryOne: TryOne,
  accepted: (c: Candidate) => boolean,
): Promise<void> {
  const totalParams = costs.tensors.reduce((n, r) => n + r.params, 0);
  let widths = from.widths;
  let sparsity = from.sparsity;
  let left = budget;
  const frozen = new Set(from.frozen);
  for (let move = downMoves(costs, widths, frozen)[0]; move && left > 0; move = downMoves(costs, widths, frozen)[0]) {
    left--;
    const next = withMove(widths, move);
    if (accepted(await tryOne(sparsity, from.bits, next))) widths = next;
    else frozen.add(move.tensor);
  }
  for (let i = ladder.findIndex((s) => s > sparsity); i >= 0 && i < ladder.length && left > 0; i++) {
    left--;
    if (accepted(await tryOne(ladder[i]!, from.bits, widths))) {
      sparsity = ladder[i]!;
      continue;
    }
    const up = upMoves(costs, widths, totalParams)[0];
    if (!up || left <= 0) break;
    left--;
    const next = withMove(widths, up);
    if (!accepted(await tryOne(ladder[i]!, from.bits, next))) break;
    [widths, sparsity] = [next, ladder[i]!];
  }
}

/**
 * The 8-bit candidate with the fewest tensors at float16 that meets the target, by bisection over how many of the
 * tensors the costs say lose most at 8 bits are kept at float16 (all of them: float16 throughout, which nearly
 * always meets). Null when even that misses.
 */
async function rescueWithFloat16(costs: WidthCosts, tryWidths: (w: Widths) => Promise<Candidate>): Promise<Candidate | null> {
  const loss8 = new Map(costs.tensors.map((r) => [r.tensor, costs.loss(r.tensor, 8)]));
  const order = [...costs.tensors].sort((a, b) => loss8.get(b.tensor)! - loss8.get(a.tensor)! || (a.tensor < b.tensor ? -1 : 1)).map((r) => r.tensor);
  const keep = (k: number): Widths => new Map(order.map((t, i) => [t, i < k ? 16 : 8]));
  let found = await tryWidths(keep(order.length));
  if (!found.meets) return null;
  let [lo, hi] = [0, order.length]; // lo tensors at float16 miss (uniform 8 bits did), hi meet
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    const c = await tryWidths(keep(mid));
    if (c.meets) [hi, found] = [mid, c];
    else lo = mid;
  }
  return found;
}

function wireBytesOf(exported: ReturnType<typeof exportVariant>): number {
  return gzipBytes(exported.files[0]!.data) + exported.sizes.weightGzipBytes;
}
