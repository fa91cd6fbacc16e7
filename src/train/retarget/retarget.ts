/**
 * Transfer learning on a layers model: cut it at a layer, freeze what is below, compute the frozen features once,
 * train a new head for the data's classes on them, and describe the result as one stock layers model (the
 * backbone's own layers up to the cut, then the head). Returns topology and new weights; the caller (the recipe
 * step) keeps the backbone's weights as they were.
 */
import * as tf from '@tensorflow/tfjs';
import { PareError } from '../../errors';
import type { Dataset } from '../../evaluate/dataset';
import { loadTfModel } from '../../model/load-tf';
import type { RetargetStep } from '../../recipe/steps';
import { chooseCut, type CutPoint } from './cut';
import { chooseGraphCut, defaultGraphCut, graphCutPoints } from './graph-cut';
import { retargetGraphTopology } from './graph-topology';
import { indexGraph, nodeNameOf } from '../../model/graph-topology';
import { computeFeatures, layersBackbone, type Features } from './features';
import { validationSplit } from './split';
import { headSpec, retargetTopology, type HeadSpec } from './topology';
import { trainHead, type EpochRecord, type HeadWeight } from './train-head';

export interface RetargetHooks {
  where: string;
  checkAbort(): void;
  /** One unit of progress: a batch of features, or an epoch. */
  tick(): Promise<void>;
  /** Each epoch's figures as it ends, for live curves, with the samples it trained on. */
  onEpoch?(record: EpochRecord, trainSamples: number): void;
}

export interface RetargetOutcome {
  topology: Record<string, unknown>;
  /** Names of the source weights the kept layers use (as the manifest names them). */
  keptWeights: Set<string>;
  cut: CutPoint;
  head: HeadSpec;
  /** The head's trained weights (kernel, bias per Dense layer). */
  weights: HeadWeight[];
  /** Other new constants (a graph head's int32 reshape target). */
  constants: { name: string; shape: number[]; values: Int32Array }[];
  labels: string[];
  classSource: Dataset['classSource'];
  history: EpochRecord[];
  bestEpoch: number;
  trainSamples: number;
  /** Accuracy on the held-apart samples at the epoch kept; null when there were none. */
  validation: { samples: number; accuracy: number; loss: number } | null;
}

/** Checked before the backbone runs over every image: what the data's listing already shows. */
function checkLabelled(data: Dataset, where: string): void {
  if (!data.labelled) {
    // Images in no class folder, or all in one folder, open unlabelled (src/data/image-folders.ts).
    const found = data.kind === 'images' ? 'these images are in no class folder, or all in one' : 'this data has no labels';
    throw new PareError('bad-data', `${where} trains a new head and needs labelled data with at least 2 classes: image folders (one per class) or data with labels; ${found}.`);
  }
  if (data.classNames.length < 2) {
    throw new PareError('bad-data', `${where} needs at least 2 classes to learn; the data has ${data.classNames.length === 1 ? `only '${data.classNames[0]}'` : 'none'}.`);
  }
}

/** Classes whose every file failed to decode show only once the features are computed. */
function checkClasses(data: Dataset, labels: Int32Array, where: string): void {
  const seen = new Set(labels);
  const empty = data.classNames.filter((_, i) => !seen.has(i));
  if (empty.length) throw new PareError('bad-data', `${where}: the classes ${empty.map((c) => `'${c}'`).join(', ')} have no usable samples; give each class some images, or leave it out of the labels file.`);
}

/**
 * Retargets the layers model in `artifacts` (float32 weights) to the classes of `data`.
 * @example const r = await retargetLayersModel(workingArtifacts(model), data.dataset, step, { where, checkAbort, tick });
 */
export async function retargetLayersModel(artifacts: tf.io.ModelArtifacts, data: Dataset, step: RetargetStep, hooks: RetargetHooks): Promise<RetargetOutcome> {
  checkLabelled(data, hooks.where);
  const model = await loadTfModel(artifacts, 'layers-model');
  const layerNames = model.layers.map((l) => l.name);
  let features: Features;
  let cut: CutPoint;
  let keptWeights: Set<string>;
  try {
    cut = chooseCut(model, step.cut, hooks.where);
    const truncated = tf.model({ inputs: model.inputs, outputs: model.getLayer(cut.name).output as tf.SymbolicTensor });
    // The stock loader matches manifest entries to variables by these names.
    keptWeights = new Set(truncated.weights.map((w) => w.originalName));
    features = await computeFeatures(layersBackbone(truncated), data, { where: hooks.where, checkAbort: hooks.checkAbort, tick: hooks.tick });
  } finally {
    model.dispose();
  }
  const head = headSpec(cut.shape, data.classNames.length, step.hidden, layerNames);
  const trained = await trainOnFeatures(features, head, data, step, hooks);
  const { topology } = retargetTopology(artifacts.modelTopology, cut.name, head);
  return { ...trained, topology, keptWeights, cut, head, constants: [] };
}

/** Split, train and keep the best epoch: the part of retarget that never touches the backbone. */
async function trainOnFeatures(features: Features, head: HeadSpec, data: Dataset, step: RetargetStep, hooks: RetargetHooks) {
  checkClasses(data, features.labels, hooks.where);
  const split = validationSplit(features.labels, step.validationSplit, step.seed);
  if (split.train.length === 0) throw new PareError('bad-data', `${hooks.where}: no samples are left to train on after the validation split.`);
  const trained = await trainHead(features, head, split, {
    epochs: step.epochs,
    batch: step.batch,
    learningRate: step.learningRate,
    seed: step.seed,
    checkAbort: hooks.checkAbort,
    onEpoch: async (r) => {
      hooks.onEpoch?.(r, split.train.length);
      await hooks.tick();
    },
  });
  const best = trained.history[trained.bestEpoch - 1]!;
  return {
    weights: trained.weights,
    labels: [...data.classNames],
    classSource: data.classSource,
    history: trained.history,
    bestEpoch: trained.bestEpoch,
    trainSamples: split.train.length,
    validation: split.validation.length ? { samples: split.validation.length, accuracy: best.validationAccuracy!, loss: best.validationLoss! } : null,
  };
}

/**
 * Retargets the graph model in `artifacts` (float32 weights, one input, one output): the cut is an op node, the
 * head plain ops after it, ending in a node named as the old output.
 */
export async function retargetGraphModel(artifacts: tf.io.ModelArtifacts, data: Dataset, step: RetargetStep, hooks: RetargetHooks): Promise<RetargetOutcome> {
  checkLabelled(data, hooks.where);
  const model = await loadTfModel(artifacts, 'graph-model');
  let features: Features;
  let cut: CutPoint;
  const output = nodeNameOf(model.outputNodes[0] ?? '');
  try {
    if (model.inputNodes.length !== 1 || model.outputNodes.length !== 1) {
      throw new PareError('unsupported', `${hooks.where}: this graph model has ${model.inputNodes.length} inputs and ${model.outputNodes.length} outputs; retarget needs one of each.`);
    }
    const points = graphCutPoints(model, artifacts.modelTopology, data.sampleShape);
    cut = chooseGraphCut(points, step.cut, defaultGraphCut(artifacts.modelTopology, output), hooks.where);
    const at = cut.name;
    const dim = (cut.shape.slice(1) as number[]).reduce((a, b) => a * b, 1);
    const dtype = (model.inputs[0]?.dtype ?? 'float32') as tf.DataType;
    features = await computeFeatures({ run: (x) => model.execute(dtype === 'float32' ? x : tf.cast(x, dtype), at) as tf.Tensor, dim }, data, { where: hooks.where, checkAbort: hooks.checkAbort, tick: hooks.tick });
  } finally {
    model.dispose();
  }
  const names = indexGraph(artifacts.modelTopology).nodes.keys();
  const head = headSpec(cut.shape, data.classNames.length, step.hidden, names);
  const trained = await trainOnFeatures(features, head, data, step, hooks);
  const { topology, keptConsts } = retargetGraphTopology(artifacts.modelTopology, cut.name, head, output);
  const constants = head.flatten ? [{ name: `${head.flatten}/shape`, shape: [2], values: Int32Array.from([-1, head.inputDim]) }] : [];
  return { ...trained, topology, keptWeights: keptConsts, cut, head, constants };
}
