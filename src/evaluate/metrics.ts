/**
 * Accuracy and fidelity metrics, accumulated batch by batch so evaluation streams and a cancelled run still has
 * what it measured. Pure: plain arrays in, plain numbers out.
 *
 * Conventions (stated here because they change the numbers):
 * - Prediction = the first index of the largest output, as tf.argMax. A row with a NaN or infinite output is
 *   counted as wrong (and its loss as the clipped maximum), whatever its other values; the confusion matrix
 *   still shows the argmax of its finite values.
 * - top-k: the true class is in the top k when fewer than k classes score higher, ties going to the lower
 *   index (so top-1 agrees with argmax). Reported when there are at least 5 classes.
 * - Loss: mean cross-entropy -ln(p[true]), with p clipped to [1e-7, 1 - 1e-7] as Keras does. Outputs are used
 *   as probabilities when every value of the row is within [0, 1] and the row sums to 1 (within 1e-3);
 *   otherwise they are taken as logits and softmax is applied. The result says which happened.
 * - A model with one output (binary, sigmoid or logit) is scored as two classes [1 - p, p], where p is the
 *   output if within [0, 1], else its sigmoid.
 * - Fidelity compares raw outputs: agreement of predictions, cosine similarity per sample (1 when both rows
 *   are all zero, 0 when one is), largest absolute difference over every output value, and the relative error
 *   ||y' - y|| / ||y|| over all samples' outputs together (0 when both are all zero, Infinity when only the
 *   reference is). Agreement alone says nothing for one-output or embedding models (always 100% or
 *   meaningless), and cosine of one-value rows is only a sign check; the relative error measures every model.
 */
import { PareError } from '../errors';

export const LOSS_EPSILON = 1e-7;
const SUM_TOLERANCE = 1e-3;

export interface ClassAccuracy {
  name: string;
  correct: number;
  total: number;
  /** correct / total, or null for a class with no samples. */
  accuracy: number | null;
}

export interface AccuracyMetrics {
  samples: number;
  /** Top-1 accuracy in [0, 1]. */
  accuracy: number;
  /** Top-5 accuracy, or null with fewer than 5 classes. */
  top5: number | null;
  perClass: ClassAccuracy[];
  /** confusion[true][predicted] = count. */
  confusion: number[][];
  /** Mean cross-entropy. */
  loss: number;
  /** Whether outputs were read as probabilities, softmax was applied (logits), or both happened by row. */
  outputs: 'probabilities' | 'logits' | 'mixed';
  /** Rows with NaN or infinite outputs (counted as wrong). */
  nonFinite: number;
}

export interface FidelityMetrics {
  samples: number;
  /** Share of samples where both models predict the same class. */
  agreement: number;
  /** Mean cosine similarity of the output vectors. */
  cosine: number;
  /** Largest absolute difference between any two corresponding outputs. */
  maxAbsDiff: number;
  /** ||candidate - reference|| / ||reference|| over every output value of every sample (Euclidean norms). */
  relativeError: number;
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** The two class scores of a single-output binary model. */
function binaryRow(v: number): [number, number] {
  const p = v >= 0 && v <= 1 ? v : sigmoid(v);
  return [1 - p, p];
}

/** First index of the largest finite value (0 for an empty or all-NaN row). */
export function argMax(row: ArrayLike<number>, start = 0, width = row.length): number {
  let best = 0;
  let bestValue = -Infinity;
  for (let j = 0; j < width; j++) {
    const v = row[start + j];
    if (v > bestValue) {
      bestValue = v;
      best = j;
    }
  }
  return best;
}

/** Whether a row reads as a probability distribution (see the module comment). */
export function isProbabilityRow(row: ArrayLike<number>): boolean {
  let sum = 0;
  for (let j = 0; j < row.length; j++) {
    const v = row[j];
    if (!(v >= 0 && v <= 1)) return false;
    sum += v;
  }
  return Math.abs(sum - 1) <= SUM_TOLERANCE;
}

/** Numerically stable softmax. */
export function softmax(row: ArrayLike<number>): Float64Array {
  let max = -Infinity;
  for (let j = 0; j < row.length; j++) max = Math.max(max, row[j]);
  const out = new Float64Array(row.length);
  let sum = 0;
  for (let j = 0; j < row.length; j++) sum += out[j] = Math.exp(row[j] - max);
  for (let j = 0; j < row.length; j++) out[j] /= sum;
  return out;
}

/** softmax(row[off .. off + k))[index], numerically stable, without allocating. */
function softmaxAt(row: ArrayLike<number>, off: number, k: number, index: number): number {
  let max = -Infinity;
  for (let j = 0; j < k; j++) max = Math.max(max, row[off + j]);
  let sum = 0;
  for (let j = 0; j < k; j++) sum += Math.exp(row[off + j] - max);
  return Math.exp(row[off + index] - max) / sum;
}

/** Where the true class ranks (0 = predicted), ties to the lower index. */
export function rankOf(row: ArrayLike<number>, label: number): number {
  const s = row[label];
  let rank = 0;
  for (let j = 0; j < row.length; j++) if (row[j] > s || (row[j] === s && j < label)) rank++;
  return rank;
}

function checkWidth(values: ArrayLike<number>, count: number, width: number, what: string): void {
  if (values.length !== count * width) {
    throw new PareError(
      'shape-mismatch',
      `${what} holds ${values.length.toLocaleString('en-US')} values; ${count.toLocaleString('en-US')} samples of ` +
        `${width} outputs need ${(count * width).toLocaleString('en-US')}.`,
    );
  }
}

/**
 * Accumulates accuracy, top-5, per-class accuracy, the confusion matrix and loss over batches.
 *
 * @example
 *   const acc = new AccuracyAccumulator(10, classNames);
 *   acc.update(outputs, labels, batchCount); // per batch
 *   acc.result().accuracy
 */
export class AccuracyAccumulator {
  /** Classes scored: the output width, or 2 for a single-output model. */
  readonly numClasses: number;
  private readonly names: string[];
  private samples = 0;
  private top1 = 0;
  private top5Hits = 0;
  private lossSum = 0;
  private probabilityRows = 0;
  private softmaxRows = 0;
  private nonFinite = 0;
  private readonly confusion: Int32Array;
  /** Per-class hits, kept apart from the confusion diagonal because non-finite rows never count as hits. */
  private readonly correct: Int32Array;

  /**
   * @param outputWidth values per sample the model outputs
   * @param classNames names for per-class results (default '0', '1', ...)
   */
  constructor(readonly outputWidth: number, classNames: string[] = []) {
    if (!Number.isInteger(outputWidth) || outputWidth < 1) {
      throw new PareError('bad-options', `A classifier has at least 1 output per sample; got ${outputWidth}.`);
    }
    this.numClasses = outputWidth === 1 ? 2 : outputWidth;
    this.names = Array.from({ length: this.numClasses }, (_, i) => classNames[i] ?? String(i));
    this.confusion = new Int32Array(this.numClasses * this.numClasses);
    this.correct = new Int32Array(this.numClasses);
  }

  /** Adds one batch: `outputs` is count x outputWidth, row-major; `labels` holds class indices. */
  update(outputs: ArrayLike<number>, labels: ArrayLike<number>, count: number): void {
    checkWidth(outputs, count, this.outputWidth, 'The model output');
    const k = this.numClasses;
    const binary = this.outputWidth === 1 ? new Float64Array(2) : null;
    // Scores of sample i: row[off + j]. Multi-class rows are read in place (this runs once per sample, on the
    // evaluation's critical path); single-output rows are expanded into `binary`.
    let row: ArrayLike<number> = outputs;
    for (let i = 0; i < count; i++) {
      const label = labels[i];
      if (!(label >= 0 && label < k)) {
        throw new PareError('bad-data', `Sample ${(this.samples + 1).toLocaleString('en-US')} has label ${label}; the model has ${k} classes (0 to ${k - 1}).`);
      }
      let off = i * k;
      if (binary) {
        [binary[0], binary[1]] = binaryRow(outputs[i]);
        row = binary;
        off = 0;
      }
      // One pass: finiteness, probability shape, argmax (first largest), and the true class's score.
      let finite = true;
      let unitRange = true;
      let sum = 0;
      let predicted = 0;
      let best = -Infinity;
      for (let j = 0; j < k; j++) {
        const v = row[off + j];
        if (v - v !== 0) finite = false; // NaN or infinite
        if (!(v >= 0 && v <= 1)) unitRange = false;
        sum += v;
        if (v > best) {
          best = v;
          predicted = j;
        }
      }
      if (binary && !Number.isFinite(outputs[i])) finite = false;
      if (!finite) {
        this.nonFinite++; // predicted ignores NaN: the confusion matrix shows what argmax would pick
        this.lossSum += -Math.log(LOSS_EPSILON);
      } else {
        const s = row[off + label];
        let rank = 0;
        for (let j = 0; j < k; j++) {
          const v = row[off + j];
          if (v > s || (v === s && j < label)) rank++;
        }
        if (rank === 0) {
          this.top1++;
          this.correct[label]++;
        }
        if (rank < 5) this.top5Hits++;
        let p: number;
        if (unitRange && Math.abs(sum - 1) <= SUM_TOLERANCE) {
          this.probabilityRows++;
          p = s;
        } else {
          this.softmaxRows++;
          p = softmaxAt(row, off, k, label);
        }
        this.lossSum += -Math.log(Math.min(Math.max(p, LOSS_EPSILON), 1 - LOSS_EPSILON));
      }
      this.confusion[label * k + predicted]++;
      this.samples++;
    }
  }

  /** A snapshot of the metrics so far (safe to keep: later updates do not change it). */
  result(): AccuracyMetrics {
    const k = this.numClasses;
    const n = this.samples;
    const confusion = Array.from({ length: k }, (_, t) => Array.from(this.confusion.subarray(t * k, (t + 1) * k)));
    const perClass = confusion.map((r, t) => {
      const total = r.reduce((a, b) => a + b, 0);
      const correct = this.correct[t];
      return { name: this.names[t], correct, total, accuracy: total ? correct / total : null };
    });
    return {
      samples: n,
      accuracy: n ? this.top1 / n : 0,
      top5: k >= 5 ? (n ? this.top5Hits / n : 0) : null,
      perClass,
      confusion,
      loss: n ? this.lossSum / n : 0,
      outputs: this.softmaxRows === 0 ? 'probabilities' : this.probabilityRows === 0 ? 'logits' : 'mixed',
      nonFinite: this.nonFinite,
    };
  }
}

/**
 * Accumulates fidelity of a model (the candidate) against a reference on the same inputs.
 *
 * @example
 *   const fid = new FidelityAccumulator(10);
 *   fid.update(variantOutputs, originalOutputs, batchCount);
 *   fid.result().agreement
 */
export class FidelityAccumulator {
  private samples = 0;
  private agree = 0;
  private cosineSum = 0;
  private maxAbs = 0;
  private diffSquares = 0;
  private referenceSquares = 0;

  constructor(readonly outputWidth: number) {}

  /** Adds one batch of outputs from both models, each count x outputWidth, row-major. */
  update(candidate: ArrayLike<number>, reference: ArrayLike<number>, count: number): void {
    const w = this.outputWidth;
    checkWidth(candidate, count, w, "The candidate model's output");
    checkWidth(reference, count, w, "The reference model's output");
    for (let i = 0; i < count; i++) {
      const o = i * w;
      let dot = 0;
      let na = 0;
      let nb = 0;
      for (let j = 0; j < w; j++) {
        const a = candidate[o + j];
        const b = reference[o + j];
        dot += a * b;
        na += a * a;
        nb += b * b;
        const d = a === b ? 0 : Math.abs(a - b);
        this.diffSquares += d * d;
        if (!(d <= this.maxAbs)) this.maxAbs = Number.isNaN(d) ? Infinity : d;
      }
      const same = w === 1
        ? binaryRow(candidate[o])[1] >= 0.5 === binaryRow(reference[o])[1] >= 0.5
        : argMax(candidate, o, w) === argMax(reference, o, w);
      if (same) this.agree++;
      const cos = na === 0 && nb === 0 ? 1 : na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
      this.cosineSum += Number.isFinite(cos) ? cos : 0;
      this.referenceSquares += nb;
      this.samples++;
    }
  }

  result(): FidelityMetrics {
    const n = this.samples;
    return {
      samples: n,
      agreement: n ? this.agree / n : 0,
      cosine: n ? this.cosineSum / n : 0,
      maxAbsDiff: this.maxAbs,
      relativeError: relativeError(this.diffSquares, this.referenceSquares),
    };
  }
}

/** sqrt(diff²) / sqrt(ref²), with the edge cases named in the header (NaN differences count as Infinity). */
function relativeError(diffSquares: number, referenceSquares: number): number {
  if (Number.isNaN(diffSquares)) return Infinity;
  if (diffSquares === 0) return 0;
  if (referenceSquares === 0) return Infinity;
  return Math.sqrt(diffSquares) / Math.sqrt(referenceSquares);
}
