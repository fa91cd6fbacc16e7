/**
 * Evaluates a model on a Dataset, batch by batch: accuracy when the data is labelled, fidelity against a
 * reference model when one is given, and, with no data at all, fidelity on generated inputs flagged as a weak
 * proxy. Every tensor is disposed; cancelling keeps what was measured.
 */
import * as tf from '@tensorflow/tfjs';
import { abortPoints } from '../abort-points';
import { PareError, type PareWarning } from '../errors';
import { countText, type Dataset, type SkippedItem } from './dataset';
import { generatedDataset } from './generate';
import { AccuracyAccumulator, FidelityAccumulator, type AccuracyMetrics, type FidelityMetrics } from './metrics';
import { inferPreprocessing, sampleShapeFor, shapeText, type Preprocessing } from './preprocessing';
import { ReferenceOutputs } from './reference-outputs';
import { modelSignature, predictEachOutput, predictValues, type AnyModel } from './run-model';

export interface Progress {
  done: number;
  total: number;
  /** Estimated time left, from the pace so far (null before the first batch). */
  etaMs: number | null;
}

export interface EvaluateOptions {
  /** Samples per predict call (default 64). */
  batchSize?: number;
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
  /**
   * The original model, for fidelity of this one against it on the same inputs; as ReferenceOutputs, its outputs
   * are kept for the next evaluation on the same data.
   */
  reference?: AnyModel | ReferenceOutputs;
  /** With no data: how many generated samples (default 256) and their seed (default 1). */
  generated?: { count?: number; seed?: number };
  /** With no data: the preprocessing generated inputs follow (default: inferred from the model and `metadata`). */
  preprocessing?: Preprocessing;
  /** The model's metadata (artifacts.userDefinedMetadata), for inferring preprocessing of generated inputs. */
  metadata?: unknown;
  /**
   * Fidelity over every output of a model with several (a detector's boxes and scores), not only the first: each
   * output is compared with the reference's on its own (`fidelity.outputs`), and the figures reported are the
   * worst output's cosine, relative error and largest difference, with the first output's agreement.
   */
  everyOutput?: boolean;
}

export interface EvaluationResult {
  /** Samples measured. */
  samples: number;
  data: { kind: Dataset['kind']; description: string; classNames: string[] };
  /** With labels. */
  accuracy: AccuracyMetrics | null;
  /** With a reference. `weakProxy` when measured on generated inputs instead of data. */
  fidelity: (FidelityMetrics & { weakProxy: boolean; outputs?: FidelityMetrics[] }) | null;
  skipped: SkippedItem[];
  warnings: PareWarning[];
  durationMs: number;
  /** False when cancelled: the metrics cover the samples measured until then. */
  complete: boolean;
}

/** Thrown when the signal aborts; `partial` holds the metrics of the batches done before. */
export class EvaluationCancelled extends PareError {
  constructor(readonly partial: EvaluationResult) {
    super('cancelled', `Evaluation was cancelled after ${countText(partial.samples)} samples; the results so far are kept.`);
  }
}

function checkShapes(data: Dataset, inputShape: (number | null)[]): void {
  const dims = inputShape.slice(1);
  const ok = dims.length === data.sampleShape.length && dims.every((d, i) => d === null || d === data.sampleShape[i]);
  if (!ok) {
    throw new PareError(
      'shape-mismatch',
      `The data's samples have shape [${data.sampleShape.join(', ')}]; the model's input ${shapeText(inputShape)} ` +
        `takes ${shapeText(dims)}.`,
    );
  }
}

/**
 * The batch size to evaluate with: the one asked for (64 by default), unless the model's input fixes its batch
 * dimension — graph models exported for batch 1 accept nothing else — in which case that one, and asking for
 * another is an error.
 */
export function batchSizeFor(inputShape: readonly (number | null)[], asked: number | undefined): number {
  if (asked !== undefined && (!Number.isInteger(asked) || asked < 1)) {
    throw new PareError('bad-options', `The batch size must be a whole number of at least 1; got ${asked}.`);
  }
  const fixed = inputShape[0];
  if (fixed === null || fixed === undefined || fixed < 1) return asked ?? 64;
  if (asked !== undefined && asked !== fixed) {
    throw new PareError('bad-options', `The model's input takes batches of ${fixed} only; a batch of ${asked} was asked for.`);
  }
  return fixed;
}

/**
 * Measures a model on data.
 *
 * @param model the model to measure
 * @param data labelled or unlabelled samples (from `openDataset`), or null for generated inputs (needs a
 *   reference)
 * @throws PareError('bad-options') when there is nothing to compare against (no labels and no reference),
 *   PareError('shape-mismatch') when samples do not fit the model, EvaluationCancelled (code 'cancelled')
 * @example
 *   const r = await evaluateModel(model, data, { batchSize: 64, onProgress: (p) => show(p.done / p.total) });
 *   r.accuracy?.accuracy // 0.857
 */
export async function evaluateModel(
  model: AnyModel,
  data: Dataset | null,
  options: EvaluateOptions = {},
): Promise<EvaluationResult> {
  const start = performance.now();
  const sig = modelSignature(model);
  const batchSize = batchSizeFor(sig.inputShape, options.batchSize);
  const kept = options.reference instanceof ReferenceOutputs ? options.reference : null;
  const reference = kept ? kept.model : (options.reference as AnyModel | undefined);
  const warnings: PareWarning[] = [];
  let weakProxy = false;
  if (!data) {
    if (!reference) {
      throw new PareError('bad-options', 'Nothing to measure against: give labelled data, or a reference model for fidelity.');
    }
    const pre = options.preprocessing ?? inferPreprocessing(sig.inputShape, options.metadata, sig.inputDtype);
    data = generatedDataset(options.generated?.count ?? 256, sampleShapeFor(sig.inputShape, pre), pre, {
      seed: options.generated?.seed,
      integer: sig.inputDtype === 'int32',
    });
    weakProxy = true;
    warnings.push({ code: 'weak-proxy', message: `Fidelity is measured on ${data.description}` });
  } else if (!data.labelled && !reference) {
    throw new PareError('bad-options', 'The data has no labels, so accuracy cannot be measured; give a reference model to measure fidelity.');
  }
  checkShapes(data, sig.inputShape);
  if (reference) checkShapes(data, modelSignature(reference).inputShape);
  const every = options.everyOutput === true && reference !== undefined && sig.outputCount > 1;
  if (sig.outputCount > 1 && !every) {
    warnings.push({ code: 'note', message: `The model has ${sig.outputCount} outputs; only the first is measured.` });
  }

  const total = data.size;
  const shape = data.sampleShape;
  let accuracy: AccuracyAccumulator | null = null;
  let fidelity: FidelityAccumulator | null = null;
  let perOutput: FidelityAccumulator[] | null = null;
  let samples = 0;

  const snapshot = (complete: boolean): EvaluationResult => ({
    samples,
    data: { kind: data!.kind, description: data!.description, classNames: data!.classNames },
    accuracy: accuracy?.result() ?? null,
    fidelity: perOutput ? { ...worstOf(perOutput.map((f) => f.result())), weakProxy } : fidelity ? { ...fidelity.result(), weakProxy } : null,
    skipped: [...data!.skipped],
    warnings,
    durationMs: performance.now() - start,
    complete,
  });
  const checkCancelled = () => {
    if (options.signal?.aborted) throw new EvaluationCancelled(snapshot(false));
  };

  const abortPoint = abortPoints(options.signal);
  for (let s = 0; s < total; s += batchSize) {
    await abortPoint();
    checkCancelled();
    const e = Math.min(s + batchSize, total);
    const batch = await data.batch(s, e);
    if (batch.count > 0) {
      const x = tf.tensor(batch.inputs, [batch.count, ...shape], sig.inputDtype);
      let out: { values: Float32Array; width: number };
      let ref: { values: Float32Array; width: number } | null = null;
      try {
        if (every) {
          const outs = await predictEachOutput(model, x);
          const refs = kept ? await kept.on(data, s, e, true, x) : await predictEachOutput(reference!, x);
          perOutput ??= refs.map((r) => new FidelityAccumulator(r.width));
          compareEach(outs, refs, perOutput, batch.count);
          out = outs[0]!;
        } else {
          out = await predictValues(model, x);
          if (kept) ref = (await kept.on(data, s, e, false, x))[0]!;
          else if (reference) ref = await predictValues(reference, x);
        }
      } finally {
        x.dispose();
      }
      if (data.labelled && batch.labels) {
        if (!accuracy) {
          accuracy = new AccuracyAccumulator(out.width, data.classNames);
          if (data.classNames.length && data.classNames.length !== accuracy.numClasses) {
            warnings.push({
              code: 'note',
              message: `The data names ${data.classNames.length} classes; the model outputs ${out.width} values per sample.`,
            });
          }
        }
        accuracy.update(out.values, batch.labels, batch.count);
      }
      if (ref) {
        if (ref.width !== out.width) {
          throw new PareError('shape-mismatch', `The model outputs ${out.width} values per sample; the reference outputs ${ref.width}.`);
        }
        fidelity ??= new FidelityAccumulator(out.width);
        fidelity.update(out.values, ref.values, batch.count);
      }
      samples += batch.count;
    }
    const elapsed = performance.now() - start;
    options.onProgress?.({ done: e, total, etaMs: e > 0 ? (elapsed / e) * (total - e) : null });
  }
  return snapshot(true);
}

function compareEach(outs: { values: Float32Array; width: number }[], refs: { values: Float32Array; width: number }[], acc: FidelityAccumulator[], count: number): void {
  if (outs.length !== refs.length) throw new PareError('shape-mismatch', `The model has ${outs.length} outputs; the reference has ${refs.length}.`);
  refs.forEach((r, i) => {
    if (outs[i]!.width !== r.width) {
      throw new PareError('shape-mismatch', `The model's output ${i + 1} has ${outs[i]!.width} values per sample; the reference's has ${r.width}.`);
    }
    acc[i]!.update(outs[i]!.values, r.values, count);
  });
}

/** One figure for several outputs: the worst of each (and the first output's agreement), every output's kept beside. */
function worstOf(outputs: FidelityMetrics[]): FidelityMetrics & { outputs: FidelityMetrics[] } {
  return {
    samples: outputs[0]!.samples,
    agreement: outputs[0]!.agreement,
    cosine: Math.min(...outputs.map((o) => o.cosine)),
    maxAbsDiff: Math.max(...outputs.map((o) => o.maxAbsDiff)),
    relativeError: Math.max(...outputs.map((o) => o.relativeError)),
    outputs,
  };
}
