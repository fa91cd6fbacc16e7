/**
 * The training loop: trains a tf.LayersModel in place on the current backend (wasm in the worker and the CLI, cpu
 * as the fallback), from data already preprocessed to the model's input, with Adam.
 *
 * Each epoch draws the training samples in a new order from the seed; after each epoch the held-out samples are
 * scored and the best weights so far are kept (by validation accuracy, or loss); patience stops early; the signal
 * stops between batches. The model ends holding the best checkpoint. Masks keep pruned weights exactly zero, and
 * gradual pruning (schedule.ts) raises the sparsity of the named weights while training; only checkpoints taken
 * after the last pruning update can be the best, so the result always has the final sparsity.
 * The same model, data, options and seed on the same backend train to the same weights.
 */
import * as tf from '@tensorflow/tfjs';
import { PareError } from '../errors';
import { pruneGlobal } from '../prune';
import { seededRandom } from '../seeded-random';
import { restoreWeights, snapshotWeights, type Snapshot } from './checkpoint';
import { dropoutSeeder } from './dropout-seeds';
import { labelLoss, distillLoss, totalLoss, type OutputKind } from './losses';
import { MaskSet, maskOfZeros } from './masks';
import { gather, samplesOf, shuffled, splitValidation, type SampleSet } from './samples';
import { pruneUpdates, scheduleFor } from './schedule';
import type { EpochRecord, TrainableModel, TrainOptions, TrainProgress, TrainResult } from './types';

const VALIDATION_BATCH = 256;

interface Run {
  model: TrainableModel;
  output: OutputKind;
  classes: number;
  options: TrainOptions;
}

/** One pass over held-out samples: mean loss (labels, else the teacher's term) and accuracy (labels only). */
async function validate(run: Run, set: SampleSet): Promise<{ loss: number; accuracy: number | null }> {
  let lossSum = 0;
  let correct = 0;
  for (let start = 0; start < set.count; start += VALIDATION_BATCH) {
    const end = Math.min(set.count, start + VALIDATION_BATCH);
    const n = end - start;
    const [loss, right] = tf.tidy(() => {
      const x = tf.tensor(set.inputs.subarray(start * set.per, end * set.per), [n, ...set.sampleShape]);
      const out = run.model.apply(x, { training: false }) as tf.Tensor;
      if (set.labels) {
        const labels = tf.tensor1d(set.labels.subarray(start, end), 'int32');
        const l = labelLoss(out as tf.Tensor2D, run.output, tf.oneHot(labels, run.classes) as tf.Tensor2D);
        return [l.dataSync()[0]!, tf.sum(tf.cast(tf.equal(tf.argMax(out, 1), labels), 'int32')).dataSync()[0]!];
      }
      const t = run.options.teacher!;
      const teacherOut = t.model.apply(x, { training: false }) as tf.Tensor;
      return [distillLoss(out, teacherOut, run.output, t.spec).dataSync()[0]!, 0];
    });
    lossSum += loss * n;
    correct += right;
    await Promise.resolve();
  }
  return { loss: lossSum / Math.max(1, set.count), accuracy: set.labels ? correct / Math.max(1, set.count) : null };
}

function better(monitor: 'accuracy' | 'loss', e: EpochRecord, best: EpochRecord | null): boolean {
  if (!best) return true;
  if (monitor === 'accuracy' && e.validationAccuracy !== null) return e.validationAccuracy > best.validationAccuracy!;
  const l = e.validationLoss ?? e.loss;
  return l < (best.validationLoss ?? best.loss);
}

function variablesByName(model: TrainableModel): Map<string, tf.Variable> {
  return new Map(model.trainableWeights.map((w) => [w.originalName, w.read() as tf.Variable]));
}

/**
 * Trains `model` in place and returns how it went; the model ends holding the best checkpoint.
 * @throws PareError('bad-data') for data the model cannot train on (labels past its outputs, no labels and no teacher)
 * @example
 *   const r = await trainLayersModel(model, trainingData, { epochs: 3, batch: 64, learningRate: 1e-3, seed: 1,
 *     output: 'logits', onProgress: (p) => p.kind === 'epoch' && console.log(p.validationAccuracy) });
 *   r.summary; // 'Trained 3 epochs; kept epoch 3 (validation accuracy 88.1%).'
 */
export async function trainLayersModel(model: TrainableModel, data: Parameters<typeof samplesOf>[0], options: TrainOptions): Promise<TrainResult> {
  const all = await samplesOf(data, 'The training data');
  const classes = model.outputs[0]!.shape[model.outputs[0]!.shape.length - 1] ?? 0;
  checkLabels(all, classes, options, 'Training');
  let train = all;
  let held: SampleSet | null = null;
  if (typeof options.validation === 'object') {
    held = await samplesOf(options.validation, 'The validation data');
    checkLabels(held, classes, options, 'Validation');
  }
  else if ((options.validation ?? 0.1) > 0 && all.count > 1) ({ train, validation: held } = splitValidation(all, options.validation ?? 0.1, options.seed));
  if (held && held.count === 0) held = null;
  const run: Run = { model, output: options.output ?? 'probabilities', classes, options };
  if (train.count === 0) throw new PareError('bad-data', 'The training data holds no samples.');

  const vars = variablesByName(model);
  const masks = new MaskSet();
  for (const [name, mask] of options.masks ?? []) {
    const v = vars.get(name);
    if (!v) throw new PareError('bad-options', `A mask names the weight '${name}', which is not a trainable weight of the model (it has ${[...vars.keys()].slice(0, 4).join(', ')}...).`, { weight: name });
    masks.set(v, mask);
  }
  const pruned = (options.pruning?.weights ?? []).map((name) => {
    const v = vars.get(name);
    if (!v) throw new PareError('bad-options', `Gradual pruning names the weight '${name}', which is not a trainable weight of the model.`, { weight: name });
    return v;
  });

  const perEpoch = Math.ceil(train.count / options.batch);
  const totalSteps = perEpoch * options.epochs;
  const p = options.pruning;
  const updates = p ? pruneUpdates(scheduleFor(p.from, p.to, totalSteps, p.until, p.every)) : [];
  const lastUpdate = updates.length ? updates[updates.length - 1]!.step : -1;
  let nextUpdate = 0;
  let sparsity: number | null = null;

  const optimizer = tf.train.adam(options.learningRate);
  const dropout = dropoutSeeder(model, options.seed);
  const random = seededRandom(options.seed);
  const history: EpochRecord[] = [];
  const monitor = options.monitor ?? (train.labels ? 'accuracy' : 'loss');
  let best: EpochRecord | null = null;
  let checkpoint: Snapshot | null = null;
  let sinceBest = 0;
  let stopped: TrainResult['stopped'] = 'completed';
  let step = 0;
  const batchInputs = new Float32Array(options.batch * train.per);
  const batchLabels = train.labels ? new Int32Array(options.batch) : null;
  const started = performance.now();
  let lastYield = started;
  // Training time only (validation excluded), for samples per second.
  let trainMs = 0;
  let trained = 0;

  try {
    const lastEpoch = Math.min(options.epochs, options.stopAfter ?? options.epochs);
    epochs: for (let epoch = 1; epoch <= lastEpoch; epoch++) {
      const epochStart = performance.now();
      const order = shuffled(train.count, random);
      let lossSum = 0;
      let correct = 0;
      let seen = 0;
      for (let b = 0; b < perEpoch; b++) {
        if (options.signal?.aborted) {
          stopped = 'cancelled';
          break epochs;
        }
        while (nextUpdate < updates.length && updates[nextUpdate]!.step <= step) {
          sparsity = pruneTo(pruned, updates[nextUpdate]!.sparsity, masks);
          nextUpdate++;
        }
        const from = b * options.batch;
        const to = Math.min(train.count, from + options.batch);
        const n = to - from;
        const t0 = performance.now();
        dropout.seedStep(step);
        gather(train, order, from, to, batchInputs, batchLabels);
        const [loss, right] = trainStep(run, optimizer, masks, batchInputs.subarray(0, n * train.per), batchLabels?.subarray(0, n) ?? null, [n, ...train.sampleShape]);
        lossSum += loss * n;
        correct += right;
        seen += n;
        step++;
        const now = performance.now();
        trainMs += now - t0;
        trained += n;
        const rate = trained / Math.max(1e-3, trainMs / 1000);
        options.onProgress?.({
          kind: 'batch', epoch, epochs: options.epochs, batch: b + 1, batches: perEpoch,
          loss: lossSum / seen, accuracy: batchLabels ? correct / seen : null,
          samplesPerSecond: rate, etaSeconds: ((totalSteps - step) * options.batch) / rate, sparsity,
        });
        // Lets the signal's abort event (and a worker's messages) arrive, without paying a task switch per batch.
        if (now - lastYield > 100) {
          await new Promise<void>((resolve) => setTimeout(resolve, 0));
          lastYield = performance.now();
        }
      }
      const v = held ? await validate(run, held) : null;
      const record: EpochRecord = {
        epoch, loss: lossSum / Math.max(1, seen), accuracy: batchLabels ? correct / Math.max(1, seen) : null,
        validationLoss: v?.loss ?? null, validationAccuracy: v?.accuracy ?? null, best: false,
        seconds: (performance.now() - epochStart) / 1000,
      };
      // A checkpoint before the last pruning update is less sparse than asked: never the result.
      const eligible = step > lastUpdate;
      if (eligible && (!held || better(monitor, record, best))) {
        record.best = true;
        best = record;
        checkpoint = snapshotWeights(model);
        sinceBest = 0;
      } else if (eligible) sinceBest++;
      history.push(record);
      options.onProgress?.({ kind: 'epoch', ...record });
      if (options.patience !== undefined && sinceBest >= options.patience && epoch < options.epochs) {
        stopped = 'early-stop';
        break;
      }
    }
    if (checkpoint) restoreWeights(model, checkpoint);
  } finally {
    dropout.restore();
    masks.dispose();
    optimizer.dispose();
  }
  return {
    history, bestEpoch: best?.epoch ?? null, best, stopped, steps: step,
    samplesPerSecond: trained === 0 ? 0 : trained / (trainMs / 1000),
    summary: summaryOf(stopped, history, best, step, totalSteps, options),
  };
}

function checkLabels(train: SampleSet, classes: number, options: TrainOptions, what: 'Training' | 'Validation'): void {
  if (!train.labels) {
    if (!options.teacher) throw new PareError('bad-data', `The ${what.toLowerCase()} data has no labels, so training needs a teacher (distillation from the original model).`);
    return;
  }
  for (let i = 0; i < train.labels.length; i++) {
    const l = train.labels[i]!;
    if (l < 0 || l >= classes) throw new PareError('bad-data', `${what} sample ${(i + 1).toLocaleString('en-US')} has label ${l}, and the model has ${classes} outputs (labels 0 to ${classes - 1}).`);
  }
}

/** One optimizer step on one batch; returns its mean loss and how many samples it classified right. */
function trainStep(run: Run, optimizer: tf.Optimizer, masks: MaskSet, inputs: Float32Array, labels: Int32Array | null, shape: number[]): [number, number] {
  return tf.tidy(() => {
    const x = tf.tensor(inputs, shape);
    const labelTensor = labels ? tf.tensor1d(labels, 'int32') : null;
    const oneHot = labelTensor ? (tf.oneHot(labelTensor, run.classes) as tf.Tensor2D) : null;
    const t = run.options.teacher;
    const teacherOut = t ? (t.model.apply(x, { training: false }) as tf.Tensor) : null;
    let right: tf.Tensor | null = null;
    const { value, grads } = optimizer.computeGradients(() => {
      const out = run.model.apply(x, { training: true }) as tf.Tensor;
      if (labelTensor) right = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(out, 1), labelTensor), 'int32')));
      return totalLoss(out, run.output, oneHot, teacherOut, t?.spec ?? null);
    });
    masks.maskGradients(grads);
    optimizer.applyGradients(grads);
    if (masks.size) masks.maskWeights();
    const loss = value.dataSync()[0]!;
    const r = right ? (right as tf.Tensor).dataSync()[0]! : 0;
    (right as tf.Tensor | null)?.dispose();
    return [loss, r];
  });
}

/** Prunes `variables` together to `sparsity` by magnitude (zeros already there count) and masks what it pruned. */
function pruneTo(variables: tf.Variable[], sparsity: number, masks: MaskSet): number {
  const values = variables.map((v) => (v.dataSync() as Float32Array).slice());
  const r = pruneGlobal(values, sparsity);
  variables.forEach((v, i) => {
    tf.tidy(() => v.assign(tf.tensor(r.values[i]!, v.shape)));
    masks.set(v, maskOfZeros(r.values[i]!));
  });
  return r.count === 0 ? 0 : r.totalZeros / r.count;
}

function summaryOf(stopped: TrainResult['stopped'], history: EpochRecord[], best: EpochRecord | null, step: number, total: number, options: TrainOptions): string {
  const kept = best
    ? `kept epoch ${best.epoch}${best.validationAccuracy !== null ? ` (validation accuracy ${(best.validationAccuracy * 100).toFixed(1)}%)` : best.validationLoss !== null ? ` (validation loss ${best.validationLoss.toPrecision(4)})` : ''}`
    : 'no epoch finished after the last pruning update, so the model holds the weights of the last step';
  const n = history.length;
  if (stopped === 'cancelled') return `Training was cancelled after ${step.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} steps (${n} full epoch${n === 1 ? '' : 's'}); ${kept}.`;
  if (stopped === 'early-stop') return `Training stopped early after ${n} epochs without a better validation score; ${kept}.`;
  if (options.stopAfter !== undefined && options.stopAfter < options.epochs) return `Trained the first ${n} of ${options.epochs} epochs (the run was stopped there); ${kept}.`;
  return `Trained ${n} epoch${n === 1 ? '' : 's'}; ${kept}.`;
}
