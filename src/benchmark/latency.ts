/**
 * Latency on this machine and backend: load the model (timed), one cold run, warm-up runs, then timed runs until
 * a count or a time budget, reading every output back so the time includes the backend's work and not just its
 * queueing. One extra profiled run gives the peak tensor memory. The harness owns the model it loads and
 * disposes it: `tf.memory().numTensors` is the same before and after.
 */
import * as tf from '@tensorflow/tfjs';
import { abortPoints } from '../abort-points';
import { PareError } from '../errors';
import { generateValues } from '../evaluate/generate';
import { inferPreprocessing, sampleShapeFor, shapeText } from '../evaluate/preprocessing';
import { modelSignature, predictValues, type AnyModel } from '../evaluate/run-model';
import type { Progress } from '../evaluate/evaluate';
import { summarize } from './stats';

export interface LatencyOptions {
  /** Samples per run (default 1). */
  batch?: number;
  /** Untimed runs after the cold run (default 3). */
  warmup?: number;
  /** Timed runs at least (default 10), even past the budget. */
  minRuns?: number;
  /** Timed runs at most (default 200). */
  maxRuns?: number;
  /** Stop timing once this much time went into timed runs and minRuns are done (default 5,000 ms). */
  budgetMs?: number;
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
  /** The model's metadata, for the input range (see inferPreprocessing). */
  metadata?: unknown;
}

export interface LatencyResult {
  /** tf.getBackend() during the runs: 'wasm', 'cpu', 'webgl', ... */
  backend: string;
  batch: number;
  /** The input shape used, batch first. */
  inputShape: number[];
  medianMs: number;
  p10Ms: number;
  p90Ms: number;
  meanMs: number;
  minMs: number;
  maxMs: number;
  /** The first run after loading (kernel set-up, first allocation). */
  coldMs: number;
  /** Timed runs (the cold and warm-up runs are not among them). */
  runs: number;
  /** Time `loadModel` took. */
  loadMs: number;
  /** Peak bytes of tensor memory over one run, weights included, above what was allocated before loading. */
  peakBytes: number;
  /** Every timed run, in order, for charts. */
  timesMs: number[];
  /** False when cancelled (then the statistics cover the runs done). */
  complete: boolean;
}

/** Thrown when the signal aborts; `partial` holds statistics of the timed runs done, or null if none. */
export class LatencyCancelled extends PareError {
  constructor(readonly partial: LatencyResult | null) {
    super('cancelled', `The latency benchmark was cancelled after ${partial?.runs ?? 0} timed runs.`);
  }
}

function positiveInt(name: string, v: number, min: number): number {
  if (!Number.isInteger(v) || v < min) {
    throw new PareError('bad-options', `${name} must be a whole number of at least ${min}; got ${v}.`);
  }
  return v;
}

/**
 * The input a benchmark feeds a model: `batch` samples of its input shape (free dimensions from the inferred
 * preprocessing, e.g. 224 for free image sides), values uniform over the inferred range, int32 when the model
 * takes int32.
 */
export function benchmarkInput(model: AnyModel, batch: number, metadata?: unknown, seed = 1): tf.Tensor {
  const sig = modelSignature(model);
  const fixedBatch = sig.inputShape[0];
  if (fixedBatch !== null && fixedBatch !== batch) {
    throw new PareError(
      'bad-options',
      `The model's input ${shapeText(sig.inputShape)} takes batches of ${fixedBatch} only; a batch of ${batch} was asked for.`,
    );
  }
  const pre = inferPreprocessing(sig.inputShape, metadata, sig.inputDtype);
  const sample = sampleShapeFor(sig.inputShape, pre);
  const per = sample.reduce((a, b) => a * b, 1);
  const values = generateValues(batch, per, pre, seed, sig.inputDtype === 'int32');
  return tf.tensor(values, [batch, ...sample], sig.inputDtype);
}

/**
 * Measures a model's inference latency.
 *
 * @param loadModel loads the model (timed as `loadMs`); the harness disposes what it returns
 * @throws PareError('bad-options') for invalid counts or a batch the model cannot take, LatencyCancelled
 *   (code 'cancelled') when the signal aborts
 * @example
 *   const r = await benchmarkLatency(() => loadTfModel(artifacts, 'layers-model'), { batch: 1 });
 *   console.log(r.backend, r.medianMs, r.p10Ms, r.p90Ms);
 */
export async function benchmarkLatency(
  loadModel: () => Promise<AnyModel>,
  options: LatencyOptions = {},
): Promise<LatencyResult> {
  const batch = positiveInt('The batch size', options.batch ?? 1, 1);
  const warmup = positiveInt('Warm-up runs', options.warmup ?? 3, 0);
  const minRuns = positiveInt('The minimum number of runs', options.minRuns ?? 10, 1);
  const maxRuns = positiveInt('The maximum number of runs', options.maxRuns ?? 200, minRuns);
  const budgetMs = options.budgetMs ?? 5000;
  if (!(budgetMs >= 0)) throw new PareError('bad-options', `The time budget must be 0 ms or more; got ${budgetMs}.`);
  const signal = options.signal;
  const abortPoint = abortPoints(signal);
  const cancelledBeforeTiming = async () => {
    await abortPoint();
    if (signal?.aborted) throw new LatencyCancelled(null);
  };

  await cancelledBeforeTiming();
  const bytesBefore = tf.memory().numBytes;
  const loadStart = performance.now();
  const model = await loadModel();
  const loadMs = performance.now() - loadStart;
  let x: tf.Tensor | null = null;
  try {
    x = benchmarkInput(model, batch, options.metadata);
    const input = x;
    const time = async () => {
      const t = performance.now();
      await predictValues(model, input);
      return performance.now() - t;
    };

    await cancelledBeforeTiming();
    const coldMs = await time();
    for (let i = 0; i < warmup; i++) {
      await cancelledBeforeTiming();
      await time();
    }

    const times: number[] = [];
    let spent = 0;
    let peakBytes = 0;
    const result = (complete: boolean): LatencyResult => {
      const s = summarize(times);
      return {
        backend: tf.getBackend(),
        batch,
        inputShape: input.shape,
        medianMs: s.median,
        p10Ms: s.p10,
        p90Ms: s.p90,
        meanMs: s.mean,
        minMs: s.min,
        maxMs: s.max,
        coldMs,
        runs: times.length,
        loadMs,
        peakBytes,
        timesMs: [...times],
        complete,
      };
    };
    while (times.length < maxRuns && (times.length < minRuns || spent < budgetMs)) {
      // Outside the timed region, so yielding to let an abort in does not count as latency.
      await abortPoint();
      if (signal?.aborted) throw new LatencyCancelled(times.length ? result(false) : null);
      const t = await time();
      times.push(t);
      spent += t;
      const pace = spent / times.length;
      const expected = Math.min(maxRuns, Math.max(minRuns, times.length + Math.ceil(Math.max(0, budgetMs - spent) / pace)));
      options.onProgress?.({ done: times.length, total: expected, etaMs: (expected - times.length) * pace });
    }

    // Peak memory from one profiled run, apart from the timed ones (profiling slows kernels down).
    const profile = await tf.profile(async () => {
      await predictValues(model, input);
      return [];
    });
    peakBytes = Math.max(0, profile.peakBytes - bytesBefore);
    return result(true);
  } finally {
    x?.dispose();
    model.dispose();
  }
}
