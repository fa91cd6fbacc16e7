/**
 * Measuring one model in the worker: accuracy on labelled data (or fidelity against the original: on unlabelled
 * data, or as a weak proxy on generated inputs), latency on the chosen backend, with the sizes the caller got
 * from the export. Every tf model loaded here is disposed before returning.
 */
import * as tf from '@tensorflow/tfjs';
import { PareError, type PareWarning } from '../errors';
import { benchmarkLatency } from '../benchmark/latency';
import type { Dataset } from '../evaluate/dataset';
import { evaluateModel, type EvaluationResult } from '../evaluate/evaluate';
import type { AnyModel } from '../evaluate/run-model';
import type { ExportSizes } from '../export';
import { loadTfModel } from '../model/load-tf';
import type { OpenedModel } from '../model/types';
import { variantArtifacts } from '../recipe/artifacts';
import type { Variant } from '../recipe/variant';
import type { LatencySummary, Measurement, MeasureOptions, ProgressCallback, QualityResult } from './api';
import { cancelPoint } from './cancelled';
import { phaseReporter } from './progress';

export interface MeasureInput {
  model: OpenedModel;
  /** Null measures the original. */
  variant: Variant | null;
  sizes: ExportSizes;
  data: Dataset | null;
  options: MeasureOptions;
  onProgress?: ProgressCallback;
  /** Stops the measurement between batches and timed runs; it then rejects with code 'cancelled'. */
  signal?: AbortSignal;
}

function qualityOf(r: EvaluationResult): QualityResult | null {
  const base = { samples: r.samples, data: r.data.description, skipped: r.skipped };
  if (r.accuracy) {
    return {
      ...base,
      kind: 'accuracy',
      value: r.accuracy.accuracy,
      top5: r.accuracy.top5,
      loss: r.accuracy.loss,
      perClass: r.accuracy.perClass,
      cosine: null,
      relativeError: null,
      maxAbsDiff: null,
      weakProxy: false,
    };
  }
  if (r.fidelity) {
    return {
      ...base,
      kind: 'fidelity',
      value: r.fidelity.agreement,
      top5: null,
      loss: null,
      perClass: [],
      cosine: r.fidelity.cosine,
      relativeError: r.fidelity.relativeError,
      maxAbsDiff: r.fidelity.maxAbsDiff,
      weakProxy: r.fidelity.weakProxy,
    };
  }
  return null;
}

/** Runs `work` with `backend` active, then restores the backend that was active before. */
async function onBackend<T>(backend: string | undefined, work: () => Promise<T>): Promise<T> {
  const before = tf.getBackend();
  if (backend === undefined || backend === before) return work();
  const ok = await tf.setBackend(backend).catch(() => false);
  if (!ok) {
    await tf.setBackend(before);
    throw new PareError('unsupported', `The ${backend} backend is not available in this browser; measure on ${before} instead.`);
  }
  try {
    return await work();
  } finally {
    await tf.setBackend(before);
  }
}

/**
 * Measures quality and latency of the original or a variant.
 *
 * @example
 *   const m = await measureModel({ model, variant, sizes, data, options: { dataId: 'data-1', latencyRuns: 10 } });
 */
export async function measureModel(input: MeasureInput): Promise<Measurement> {
  const { model, variant, data, options, onProgress, signal } = input;
  const start = performance.now();
  const warnings: PareWarning[] = [];
  const artifacts = variant ? variantArtifacts(model, variant) : model.artifacts;
  // A fuse step turns a layers model into a graph model; the variant is loaded as what it became.
  const format = variant?.format ?? model.format;
  const metadata = model.artifacts.userDefinedMetadata;

  return onBackend(options.backend, async () => {
    let quality: QualityResult | null = null;
    const needsReference = variant !== null && (data === null || !data.labelled);
    if (data?.labelled || needsReference) {
      const phase = data?.labelled ? 'accuracy' : 'fidelity';
      const report = phaseReporter(onProgress, phase);
      const loaded: AnyModel = await loadTfModel(artifacts, format);
      let reference: AnyModel | undefined;
      try {
        await cancelPoint(signal, 'Measuring');
        reference = needsReference ? await loadTfModel(model.artifacts, model.format) : undefined;
        // Loading held the thread; an abort sent meanwhile gets in before the first batch.
        await cancelPoint(signal, 'Measuring');
        const result = await evaluateModel(loaded, data, {
          batchSize: options.batchSize,
          reference,
          metadata,
          generated: { count: options.generatedSamples ?? 64 },
          signal,
          onProgress: (p) => report(p.done, p.total, p.etaMs),
        });
        quality = qualityOf(result);
        warnings.push(...result.warnings);
      } finally {
        loaded.dispose();
        reference?.dispose();
      }
    }

    let latency: LatencySummary | null = null;
    const runs = options.latencyRuns ?? 20;
    if (runs > 0) {
      await cancelPoint(signal, 'Measuring');
      const report = phaseReporter(onProgress, 'latency');
      try {
        const r = await benchmarkLatency(() => loadTfModel(artifacts, format), {
          batch: 1,
          warmup: options.warmupRuns ?? 3,
          minRuns: runs,
          maxRuns: runs,
          budgetMs: 0,
          metadata,
          signal,
          onProgress: (p) => report(p.done, p.total, p.etaMs),
        });
        latency = {
          backend: r.backend,
          batch: r.batch,
          medianMs: r.medianMs,
          p10Ms: r.p10Ms,
          p90Ms: r.p90Ms,
          coldMs: r.coldMs,
          loadMs: r.loadMs,
          runs: r.runs,
          peakBytes: r.peakBytes,
        };
      } catch (e) {
        // A model that cannot take a batch of one still gets its size and accuracy.
        if (!(e instanceof PareError) || e.code !== 'bad-options') throw e;
        warnings.push({ code: 'note', message: `Latency was not measured: ${e.message}` });
      }
    }

    return {
      recipeHash: variant?.recipeHash ?? null,
      sizes: input.sizes,
      sparsity: variant ? variant.stats.sparsity : originalSparsity(model),
      quality,
      latency,
      dataId: options.dataId,
      warnings,
      durationMs: performance.now() - start,
    };
  });
}

/** Zeros among the prunable weights of the model as opened. */
export function originalSparsity(model: OpenedModel): number {
  let n = 0;
  let zeros = 0;
  for (const w of model.weights) {
    if (!w.prunable) continue;
    n += w.values.length;
    for (let i = 0; i < w.values.length; i++) if (w.values[i] === 0) zeros++;
  }
  return n ? zeros / n : 0;
}
