/**
 * The `prune-channels` step: removes whole channels (with everything that must shrink with them) and writes the
 * working model's new topology and weights. With calibration data it can rank channels by their activations and
 * refit the layers that read removed channels (least squares, layer by layer), without retraining. Later steps (prune, quantize)
 * see the smaller model as if it had been opened that way.
 */
import type * as tf from '@tensorflow/tfjs';
import { PareError, type PareWarning } from '../../errors';
import { planChannelRemoval, refitTargets, removeChannels, type ChannelPlan, type RefitTarget } from '../../structure/prune-channels';
import type { PruneChannelsStep } from '../steps';
import { workingArtifacts, type WorkingModel } from '../working-model';
import { DEFAULT_CALIBRATION_SAMPLES } from './calibration';
import type { StepContext } from './context';

/** One unit for scoring and choosing, one for the calibration pass, one for writing the smaller model. */
export function pruneChannelsUnits(step: PruneChannelsStep): number {
  return step.criterion === 'activation' || step.compensate ? 3 : 2;
}

function calibrationOf(step: PruneChannelsStep, ctx: StepContext, why: string) {
  const data = ctx.data.calibration;
  if (!data || step.data !== 'calibration') {
    throw new PareError('missing-data', `${ctx.where} uses ${why}, which needs calibration data: add "data": "calibration" and give the data set.`);
  }
  return data;
}

/** Mean |activation| per channel at the probe layers, in one pass over the calibration data. */
async function measure(model: WorkingModel, step: PruneChannelsStep, ctx: StepContext, probes: string[]): Promise<Map<string, Float64Array>> {
  const data = calibrationOf(step, ctx, 'criterion "activation"');
  const [tfjs, { captureMeanAbs }, { loadTfModel }] = await Promise.all([
    import('@tensorflow/tfjs'),
    import('../../structure/capture'),
    import('../../model/load-tf'),
  ]);
  ctx.noteModelRun(tfjs.getBackend());
  const loaded: tf.LayersModel = await loadTfModel(workingArtifacts(model), 'layers-model');
  try {
    return await captureMeanAbs(loaded, probes, data.dataset, { samples: step.samples ?? DEFAULT_CALIBRATION_SAMPLES, checkAbort: ctx.checkAbort });
  } finally {
    loaded.dispose();
  }
}

/** The sequential least-squares refit (structure/refit.ts) on the calibration data, loading each stage into TF.js. */
async function refit(model: WorkingModel, smaller: { modelTopology: unknown; weights: WorkingModel['weights'] }, targets: RefitTarget[], step: PruneChannelsStep, ctx: StepContext): Promise<WorkingModel['weights']> {
  const data = calibrationOf(step, ctx, 'compensate');
  const [tfjs, { refitSequentially }, { loadTfModel }] = await Promise.all([import('@tensorflow/tfjs'), import('../../structure/refit'), import('../../model/load-tf')]);
  ctx.noteModelRun(tfjs.getBackend());
  return refitSequentially(model.modelTopology, model.weights, smaller, targets, {
    load: (topology, weights) => loadTfModel(workingArtifacts({ ...model, modelTopology: topology as WorkingModel['modelTopology'], weights: [...weights] }), 'layers-model'),
    dataset: data.dataset,
    samples: step.samples ?? DEFAULT_CALIBRATION_SAMPLES,
    ...(step.ridge !== undefined ? { ridge: step.ridge } : {}),
    checkAbort: ctx.checkAbort,
    onLayer: async () => ctx.checkAbort(),
  });
}

export async function runPruneChannels(model: WorkingModel, step: PruneChannelsStep, ctx: StepContext): Promise<WorkingModel> {
  ctx.checkAbort();
  if (model.format !== 'layers-model' && (step.criterion === 'activation' || step.compensate)) {
    const what = step.criterion === 'activation' ? 'criterion "activation"' : 'compensate';
    throw new PareError('unsupported', `${ctx.where} uses ${what}, which covers layers models today; use "l1", "l2" or "bn-scale" without compensate for this graph model.`);
  }
  // Graph models keep the channels of their outputs: the walk needs their names.
  const structured = { ...model, outputs: model.source.outputs };
  const options = { ratio: step.ratio, criterion: step.criterion, perGroup: step.perGroup, roundTo: step.roundTo, where: ctx.where };
  let activations: Map<string, Float64Array> | undefined;
  if (step.criterion === 'activation') {
    // Probes come from the groups alone, before any channel is chosen; one pass measures them.
    const probes = [...new Set(planChannelRemoval(structured, { ...options, ratio: 0, perGroup: [], criterion: 'l1' }).analysis.groups.filter((g) => g.prunable).flatMap((g) => g.probes))];
    activations = await measure(model, step, ctx, probes);
  }
  const plan: ChannelPlan = planChannelRemoval(structured, options, activations);
  await ctx.tick('prune-channels');
  const warnings: PareWarning[] = plan.notes.map((message) => ({ code: 'note', message }));
  let usable: RefitTarget[] = [];
  if (step.compensate) {
    const { targets, skipped } = refitTargets(structured, plan);
    const masked = new Set(model.weights.filter((w) => w.masked).map((w) => w.name));
    // A pruned kernel keeps its mask: refitting would revive its zeros.
    usable = targets.filter((t) => !masked.has(t.kernel));
    skipped.push(...targets.filter((t) => masked.has(t.kernel)).map((t) => `'${t.layer}' (its kernel is pruned)`));
    if (skipped.length) warnings.push({ code: 'note', message: `${ctx.where}: ${skipped.join(', ')} read removed channels and were not refitted (Dense and Conv2D kernels are).` });
  }
  ctx.checkAbort();
  const smaller = removeChannels(structured, plan);
  if (usable.length) smaller.weights = await refit(model, smaller, usable, step, ctx);
  if (activations || step.compensate) await ctx.tick('prune-channels');
  await ctx.tick('prune-channels');
  return { ...model, modelTopology: smaller.modelTopology as WorkingModel['modelTopology'], weights: smaller.weights, warnings: [...model.warnings, ...warnings] };
}
