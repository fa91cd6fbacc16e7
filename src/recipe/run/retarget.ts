/**
 * The `retarget` step: the model taught the classes of the training data (transfer learning). The result is a
 * working model with a new topology (the source's layers up to the cut, then a new head), the kept layers'
 * weights exactly as they were (shared arrays, storage unchanged) and the head's new weights, and the new class
 * labels, which export writes into the model's metadata. Later steps (prune, quantize) treat it like any model.
 * Layers models are cut at a layer; graph models (without a signature, one input and one output) at an op node.
 */
import { PareError } from '../../errors';
import { weightRoles } from '../../model/prunable';
import { featureBatches } from '../../train/retarget/feature-batches';
import type { HeadSpec } from '../../train/retarget/topology';
import type { UnfreezeOutcome } from '../../train/retarget/unfreeze';
import type { RetargetStep } from '../steps';
import type { RecipeData } from './context';
import type { StepContext } from './context';
import { workingArtifacts, type WorkingModel, type WorkingWeight } from '../working-model';

/** Units of progress: one per batch of frozen features and one per epoch, for the head and for unfreezing. */
export function retargetUnits(step: RetargetStep, data: RecipeData | undefined): number {
  const batches = data ? featureBatches(data.dataset) : 0;
  return batches + step.epochs + (step.unfreeze ? batches + step.unfreeze.epochs : 0);
}

export async function runRetarget(model: WorkingModel, step: RetargetStep, ctx: StepContext): Promise<WorkingModel> {
  ctx.checkAbort();
  const data = ctx.data.training;
  if (!data) throw new PareError('missing-data', `${ctx.where} needs the training data set (image folders, one per class), and none was given.`);
  // TF.js loads only when a step runs the model.
  const [tfjs, { retargetLayersModel, retargetGraphModel }] = await Promise.all([import('@tensorflow/tfjs'), import('../../train/retarget/retarget')]);
  ctx.noteModelRun(tfjs.getBackend());
  if (step.unfreeze && model.format !== 'layers-model') {
    throw new PareError('unsupported', `${ctx.where}.unfreeze trains backbone layers, which Pare can do for layers models only; this is a graph model. Leave "unfreeze" out to train the head alone.`);
  }
  const retarget = model.format === 'layers-model' ? retargetLayersModel : retargetGraphModel;
  const report = ctx.training?.onProgress;
  let since = performance.now();
  let best = -1;
  const r = await retarget(workingArtifacts(model), data.dataset, step, {
    where: ctx.where,
    checkAbort: ctx.checkAbort,
    tick: () => {
      // Each epoch's time starts at the last tick: the last batch of features, or the epoch before.
      since = performance.now();
      return ctx.tick('retarget');
    },
    // The head trains an epoch in one go on the features: each epoch is reported as its one batch, then the epoch.
    onEpoch: report && ((e, samples) => {
      const seconds = (performance.now() - since) / 1000;
      const isBest = e.validationAccuracy === null || e.validationAccuracy > best;
      if (isBest) best = e.validationAccuracy ?? best;
      const perSecond = seconds > 0 ? samples / seconds : 0;
      report({ kind: 'batch', epoch: e.epoch, epochs: step.epochs, batch: 1, batches: 1, loss: e.loss, accuracy: null, samplesPerSecond: perSecond, etaSeconds: (step.epochs - e.epoch) * seconds, sparsity: null });
      report({ kind: 'epoch', ...e, accuracy: null, best: isBest, seconds });
    }),
  });
  const pre = data.dataset.preprocessing;
  const kept = model.weights.filter((w) => r.keptWeights.has(w.name));
  const added = [...r.weights.map((w) => ({ ...w, dtype: 'float32' as const })), ...r.constants.map((c) => ({ ...c, dtype: 'int32' as const }))];
  const roles = weightRoles(model.format, r.topology, added);
  const head: WorkingWeight[] = added.map((w, i) => ({
    name: w.name,
    shape: [...w.shape],
    dtype: w.dtype,
    values: w.values,
    storedBytes: 0,
    ...roles[i]!,
    masked: false,
    prune: { mode: 'none' },
  }));
  const retargeted: WorkingModel = { ...model, modelTopology: r.topology, weights: [...kept, ...head] };
  const unfrozen = step.unfreeze ? await unfreeze(retargeted, r.head, data, step, ctx) : null;
  return {
    ...retargeted,
    weights: unfrozen ? retargeted.weights.map((w) => (unfrozen.values.has(w.name) ? { ...w, values: unfrozen.values.get(w.name)! } : w)) : retargeted.weights,
    warnings: unfrozen ? [...model.warnings, { code: 'note', message: unfrozenNote(ctx.where, unfrozen) }] : model.warnings,
    retarget: {
      labels: r.labels,
      classSource: r.classSource,
      cut: { layer: r.cut.name, shape: [...r.cut.shape] },
      preprocessing: pre ? { height: pre.height, width: pre.width, channels: pre.channels, scale: pre.scale } : null,
      hidden: step.hidden,
      trainSamples: r.trainSamples,
      validation: r.validation ? { ...r.validation, bestEpoch: r.bestEpoch } : null,
      history: r.history,
      ...(unfrozen ? { unfrozen: { layers: unfrozen.layers, kept: unfrozen.kept, before: unfrozen.before, after: unfrozen.after, history: unfrozen.history.map(({ epoch, loss, validationLoss, validationAccuracy }) => ({ epoch, loss, validationLoss, validationAccuracy })) } } : {}),
    },
  };
}

/** The second phase: the top backbone layers train with the head (see train/retarget/unfreeze.ts). */
async function unfreeze(retargeted: WorkingModel, head: HeadSpec, data: RecipeData, step: RetargetStep, ctx: StepContext): Promise<UnfreezeOutcome> {
  const { unfreezeTop } = await import('../../train/retarget/unfreeze');
  const u = step.unfreeze!;
  return unfreezeTop(workingArtifacts(retargeted), head.flatten ?? head.hidden?.name ?? head.output.name, data.dataset, {
    layers: u.layers,
    epochs: u.epochs,
    learningRate: u.learningRate,
    batch: step.batch,
    seed: step.seed,
    validationSplit: step.validationSplit,
  }, {
    where: ctx.where,
    checkAbort: ctx.checkAbort,
    tick: () => ctx.tick('retarget'),
    signal: ctx.training?.signal,
    onProgress: ctx.training?.onProgress,
  });
}

function unfrozenNote(where: string, u: UnfreezeOutcome): string {
  const pct = (a: number | null) => (a === null ? 'n/a' : `${(a * 100).toFixed(1)}%`);
  const layers = u.layers.map((l) => `'${l}'`).join(', ');
  return u.kept
    ? `${where} ('retarget'): unfroze ${layers} and trained them with the head; validation accuracy ${pct(u.before)} -> ${pct(u.after)}.`
    : `${where} ('retarget'): unfreezing ${layers} did not raise validation accuracy (${pct(u.before)} -> ${pct(u.after)}), so the head-only model is kept.`;
}
