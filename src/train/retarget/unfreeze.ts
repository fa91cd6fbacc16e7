/**
 * Unfreezing the top of the backbone after the new head has learned: the last few weight-bearing layers below the
 * cut train together with the head, at a small learning rate, as Keras's transfer-learning guide does after its
 * first, frozen phase.
 *
 * The model is split where the lowest unfrozen layer reads its input. What is below the split stays frozen, so its
 * output is computed once, in inference mode, like retarget's features; the layers above it are applied again to a
 * new input of that shape, making a small model that shares their variables, and only that model trains. Batch
 * norms above the split keep their moving statistics and run in inference mode (training them on a few hundred
 * images would move statistics learned on far more). The split must cut the model in two: no layer above it may
 * read a tensor from below it other than the split itself (a residual add across the split is refused).
 */
import * as tf from '@tensorflow/tfjs';
import { PareError } from '../../errors';
import { inMemoryDataset } from '../../evaluate/dataset';
import type { Dataset } from '../../evaluate/dataset';
import { trainLayersModel } from '../loop';
import { trainingTopology } from '../training-topology';
import type { EpochRecord, TrainProgress } from '../types';
import { computeFeatures, layersBackbone } from './features';
import { validationSplit } from './split';

export interface UnfreezeSpec {
  /** Weight-bearing layers of the backbone, counted down from the cut, that train with the head. */
  layers: number;
  epochs: number;
  learningRate: number;
  batch: number;
  seed: number;
  validationSplit: number;
}

export interface UnfreezeHooks {
  where: string;
  checkAbort(): void;
  tick(): Promise<void>;
  signal?: AbortSignal;
  onProgress?(p: TrainProgress): void;
}

export interface UnfreezeOutcome {
  /** The backbone layers that trained, lowest first. */
  layers: string[];
  /** New values of every weight that trained (by manifest name); empty when unfreezing was not kept. */
  values: Map<string, Float32Array>;
  history: EpochRecord[];
  /** Validation accuracy before unfreezing (the head alone) and after, on the same held-apart samples. */
  before: number | null;
  after: number | null;
  /** Whether the unfrozen weights were kept (only when they do better on the held-apart samples). */
  kept: boolean;
}

type Node = { inputTensors: tf.SymbolicTensor[] };
const inboundOf = (layer: tf.layers.Layer): Node[] => (layer as unknown as { inboundNodes: Node[] }).inboundNodes;

/** The backbone layers that will train: the last `count` layers with weights before the head's first layer. */
function unfrozenLayers(model: tf.LayersModel, headFirst: string, count: number, where: string): tf.layers.Layer[] {
  const headStart = model.layers.indexOf(model.getLayer(headFirst));
  const weighted = model.layers.slice(0, headStart).filter((l) => l.weights.length > 0 && l.getClassName() !== 'BatchNormalization');
  if (count > weighted.length) {
    throw new PareError('bad-recipe', `${where}.unfreeze.layers is ${count}, and the backbone below the cut has ${weighted.length} layers with weights to train.`);
  }
  return weighted.slice(weighted.length - count);
}

/** The layers above the split, in order, checked to read nothing from below it but the split tensor. */
function layersAbove(model: tf.LayersModel, lowest: tf.layers.Layer, where: string): { split: tf.SymbolicTensor; above: tf.layers.Layer[] } {
  const start = model.layers.indexOf(lowest);
  const above = model.layers.slice(start);
  for (const l of above) {
    if (inboundOf(l).length !== 1) throw new PareError('unsupported', `${where}.unfreeze: the layer '${l.name}' is used more than once in the model, so its part cannot train apart; unfreeze fewer layers.`);
  }
  const [split, ...others] = inboundOf(lowest)[0]!.inputTensors;
  if (!split || others.length) throw new PareError('unsupported', `${where}.unfreeze: the layer '${lowest.name}' reads ${others.length + 1} inputs; unfreezing must start at a layer with one.`);
  const made = new Set<tf.SymbolicTensor>([split]);
  for (const l of above) {
    for (const t of inboundOf(l)[0]!.inputTensors) {
      if (!made.has(t)) {
        throw new PareError('unsupported', `${where}.unfreeze: the layer '${l.name}' reads '${t.name}' from below '${lowest.name}' (a connection across the split, as in a residual block); unfreeze fewer or more layers so the split falls between blocks.`);
      }
    }
    const out = l.output;
    for (const t of Array.isArray(out) ? out : [out]) made.add(t);
  }
  return { split, above };
}

/** The layers above the split applied again to a new input: a model sharing their variables. */
function topModel(model: tf.LayersModel, split: tf.SymbolicTensor, above: tf.layers.Layer[]): tf.LayersModel {
  const input = tf.input({ shape: split.shape.slice(1) as number[] });
  const mapped = new Map<tf.SymbolicTensor, tf.SymbolicTensor>([[split, input]]);
  // Read every layer's inputs and output before applying any: applying adds inbound nodes.
  const reads = above.map((l) => ({ ins: inboundOf(l)[0]!.inputTensors, out: l.output as tf.SymbolicTensor }));
  above.forEach((l, i) => {
    const ins = reads[i]!.ins.map((t) => mapped.get(t)!);
    mapped.set(reads[i]!.out, l.apply(ins.length === 1 ? ins[0]! : ins) as tf.SymbolicTensor);
  });
  return tf.model({ inputs: input, outputs: mapped.get(model.outputs[0]!)! });
}

/** Batch norms above the split: not trained, and normalising with their moving statistics even while the rest trains. */
function keepInInferenceMode(layers: tf.layers.Layer[]): void {
  for (const l of layers) {
    if (l.getClassName() !== 'BatchNormalization') continue;
    l.trainable = false;
    const call = l.call.bind(l);
    l.call = (inputs, kwargs) => call(inputs, { ...kwargs, training: false });
  }
}

function rows(values: Float32Array, per: number, indices: Int32Array): Float32Array {
  const out = new Float32Array(indices.length * per);
  indices.forEach((r, i) => out.set(values.subarray(r * per, (r + 1) * per), i * per));
  return out;
}

/** Top-1 accuracy of `model` on in-memory samples, in inference mode. */
function accuracyOn(model: tf.LayersModel, data: Dataset): number {
  return tf.tidy(() => {
    const x = tf.tensor(data.inputs!, [data.size, ...data.sampleShape]);
    const right = tf.equal(tf.argMax(model.predict(x) as tf.Tensor, 1), tf.tensor1d(data.labels!, 'int32'));
    return tf.sum(tf.cast(right, 'int32')).dataSync()[0]! / data.size;
  });
}

/**
 * Trains the top `spec.layers` backbone layers with the head of the retargeted model in `artifacts` (its head
 * starts at the layer `headFirst`), on `data` split as retarget split it (the same seed and share, so the held-apart
 * samples stay unseen). The result is kept only when it scores better on them than the head alone.
 */
export async function unfreezeTop(artifacts: tf.io.ModelArtifacts, headFirst: string, data: Dataset, spec: UnfreezeSpec, hooks: UnfreezeHooks): Promise<UnfreezeOutcome> {
  const t = trainingTopology(artifacts.modelTopology);
  const model = await tf.loadLayersModel(tf.io.fromMemory({ ...artifacts, modelTopology: t.topology as tf.io.ModelArtifacts['modelTopology'] }));
  try {
    const unfrozen = unfrozenLayers(model, headFirst, spec.layers, hooks.where);
    const { split, above } = layersAbove(model, unfrozen[0]!, hooks.where);
    const bottom = tf.model({ inputs: model.inputs, outputs: split });
    const features = await computeFeatures(layersBackbone(bottom), data, hooks);
    const top = topModel(model, split, above);
    keepInInferenceMode(above);
    const sampleShape = split.shape.slice(1) as number[];
    const parts = validationSplit(features.labels, spec.validationSplit, spec.seed);
    const part = (indices: Int32Array) =>
      inMemoryDataset({ ...data, sampleShape, inputs: rows(features.values, features.dim, indices), labels: Int32Array.from(indices, (i) => features.labels[i]!) });
    const train = part(parts.train);
    const validation = parts.validation.length ? part(parts.validation) : null;
    const before = validation ? accuracyOn(top, validation) : null;
    const r = await trainLayersModel(top, train, {
      epochs: spec.epochs,
      batch: spec.batch,
      learningRate: spec.learningRate,
      seed: spec.seed,
      output: t.output,
      validation: validation ?? 0,
      signal: hooks.signal,
      onProgress: (p) => {
        hooks.onProgress?.(p);
        if (p.kind === 'epoch') void hooks.tick();
      },
    });
    hooks.checkAbort();
    const after = validation ? accuracyOn(top, validation) : null;
    // Without held-apart samples there is nothing to judge by: the user asked for it, so it is kept.
    const kept = before === null || after === null || after > before;
    const values = new Map<string, Float32Array>();
    if (kept) for (const w of top.trainableWeights) values.set(w.originalName, (w.read().dataSync() as Float32Array).slice());
    return { layers: unfrozen.map((l) => l.name), values, history: r.history, before, after, kept };
  } finally {
    model.dispose();
  }
}
