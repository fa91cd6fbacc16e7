/**
 * Training the new head on frozen features: Dense layers (an optional ReLU layer, then the classes' softmax)
 * initialised with the step's seed (Glorot uniform, zero biases), Adam on softmax cross-entropy, mini-batches in
 * an order shuffled with the seed, the epoch with the best validation accuracy kept. Plain TF.js on whichever
 * backend is active, so it is deterministic there; the one function a shared training loop would replace.
 */
import * as tf from '@tensorflow/tfjs';
import { seededRandom } from '../../seeded-random';
import type { Features } from './features';
import { shuffleInPlace } from './split';
import { headDenseLayers, type HeadSpec } from './topology';

export interface HeadTrainingOptions {
  epochs: number;
  batch: number;
  learningRate: number;
  seed: number;
  checkAbort(): void;
  /** Called after each epoch with what it measured. */
  onEpoch(record: EpochRecord): Promise<void>;
}

export interface EpochRecord {
  epoch: number;
  /** Mean training loss over the epoch's batches. */
  loss: number;
  /** On the validation samples; null when there are none. */
  validationLoss: number | null;
  validationAccuracy: number | null;
}

export interface HeadWeight {
  name: string;
  shape: number[];
  values: Float32Array;
}

export interface TrainedHead {
  /** Kernel then bias of each Dense layer, in order, from the epoch kept. */
  weights: HeadWeight[];
  history: EpochRecord[];
  /** The epoch kept (1-based): best validation accuracy, then lowest validation loss, then earliest; else the last. */
  bestEpoch: number;
}

/** Glorot-uniform kernels and zero biases, from `seed` alone. */
export function initialHeadWeights(head: HeadSpec, seed: number): HeadWeight[] {
  const random = seededRandom(seed ^ 0x5bd1e995);
  return headDenseLayers(head).flatMap((d) => {
    const limit = Math.sqrt(6 / (d.inputs + d.units));
    const kernel = new Float32Array(d.inputs * d.units);
    for (let i = 0; i < kernel.length; i++) kernel[i] = (2 * random() - 1) * limit;
    return [
      { name: `${d.name}/kernel`, shape: [d.inputs, d.units], values: kernel },
      { name: `${d.name}/bias`, shape: [d.units], values: new Float32Array(d.units) },
    ];
  });
}

/** Rows `indices` of the feature table, and their labels. */
function gather(f: Features, indices: ArrayLike<number>): { x: Float32Array; y: Int32Array } {
  const x = new Float32Array(indices.length * f.dim);
  const y = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const r = indices[i]!;
    x.set(f.values.subarray(r * f.dim, (r + 1) * f.dim), i * f.dim);
    y[i] = f.labels[r]!;
  }
  return { x, y };
}

/** The head's logits for `x` (no softmax: the loss takes logits). */
function logits(vars: tf.Variable[], x: tf.Tensor2D): tf.Tensor2D {
  let h: tf.Tensor2D = x;
  for (let i = 0; i < vars.length; i += 2) {
    h = tf.add(tf.matMul(h, vars[i] as tf.Tensor2D), vars[i + 1]!);
    if (i + 2 < vars.length) h = tf.relu(h);
  }
  return h;
}

/** Mean loss and accuracy over `indices`, in chunks. */
function measure(vars: tf.Variable[], f: Features, indices: Int32Array, classes: number): { loss: number; accuracy: number } {
  let loss = 0;
  let correct = 0;
  for (let s = 0; s < indices.length; s += 256) {
    const { x, y } = gather(f, indices.subarray(s, s + 256));
    const [l, hits] = tf.tidy(() => {
      const out = logits(vars, tf.tensor2d(x, [y.length, f.dim]));
      const labels = tf.tensor1d(y, 'int32');
      const ce = tf.losses.softmaxCrossEntropy(tf.oneHot(labels, classes), out, undefined, undefined, tf.Reduction.SUM);
      return [ce.dataSync()[0]!, tf.equal(tf.argMax(out, 1), labels).sum().dataSync()[0]!];
    });
    loss += l;
    correct += hits;
  }
  return { loss: loss / indices.length, accuracy: correct / indices.length };
}

/**
 * Trains `head` on `features` rows `split.train`, measuring `split.validation` after every epoch.
 * @example const trained = await trainHead(features, head, split, { epochs: 20, batch: 32, learningRate: 1e-3, seed: 1, checkAbort, onEpoch });
 */
export async function trainHead(
  features: Features,
  head: HeadSpec,
  split: { train: Int32Array; validation: Int32Array },
  options: HeadTrainingOptions,
): Promise<TrainedHead> {
  const classes = head.output.units;
  const init = initialHeadWeights(head, options.seed);
  const vars = init.map((w) => tf.variable(tf.tensor(w.values, w.shape), true));
  const optimizer = tf.train.adam(options.learningRate);
  const random = seededRandom(options.seed ^ 0x2545f491);
  const order = Int32Array.from(split.train);
  const history: EpochRecord[] = [];
  let best: { epoch: number; accuracy: number; loss: number; weights: Float32Array[] } | null = null;
  try {
    for (let epoch = 1; epoch <= options.epochs; epoch++) {
      shuffleInPlace(order, random);
      let lossSum = 0;
      for (let s = 0; s < order.length; s += options.batch) {
        options.checkAbort();
        const { x, y } = gather(features, order.subarray(s, s + options.batch));
        const cost = tf.tidy(() => {
          const xs = tf.tensor2d(x, [y.length, features.dim]);
          const ys = tf.oneHot(tf.tensor1d(y, 'int32'), classes);
          return optimizer.minimize(() => tf.losses.softmaxCrossEntropy(ys, logits(vars, xs)) as tf.Scalar, true, vars)!;
        });
        lossSum += cost.dataSync()[0]! * y.length;
        cost.dispose();
      }
      const val = split.validation.length ? measure(vars, features, split.validation, classes) : null;
      const record: EpochRecord = { epoch, loss: lossSum / order.length, validationLoss: val?.loss ?? null, validationAccuracy: val?.accuracy ?? null };
      history.push(record);
      const better = !best || !val || val.accuracy > best.accuracy || (val.accuracy === best.accuracy && val.loss < best.loss);
      if (better) best = { epoch, accuracy: val?.accuracy ?? 0, loss: val?.loss ?? 0, weights: vars.map((v) => Float32Array.from(v.dataSync() as Float32Array)) };
      await options.onEpoch(record);
    }
  } finally {
    vars.forEach((v) => v.dispose());
    optimizer.dispose();
  }
  return {
    weights: init.map((w, i) => ({ ...w, values: best!.weights[i]! })),
    history,
    bestEpoch: best!.epoch,
  };
}
