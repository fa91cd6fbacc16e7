/**
 * The `finetune` step: recovery training of a layers model on the training data. The working model is loaded into
 * TF.js (a final softmax made linear, so training sees logits), trained with the loop in src/train, and its
 * weights read back into a new working model; the export keeps the original topology.
 *
 * - Masks: every tensor a step pruned (`masked`) keeps its zeros exactly through every update.
 * - `sparsity`: gradual magnitude pruning, global over the prunable tensors as the prune step's `sparsity` is,
 *   ending at exactly round(to * n) zeros (zeros already there count and stay).
 * - `distill`: the original model (or the model as this step receives it) as the teacher.
 * - The best checkpoint by validation accuracy (or loss) is the result; `stopTraining` ends training early and keeps
 *   it, with a warning that says so; the recipe's signal cancels the whole recipe.
 */
import type * as tf from '@tensorflow/tfjs';
import { PareError, type PareWarning } from '../../errors';
import { pruneGlobal } from '../../prune';
import type { DistillSpec, OutputKind } from '../../train/losses';
import type { TrainableModel, TrainOptions } from '../../train/types';
import type { FinetuneStep } from '../steps';
import { workingArtifacts, type WorkingModel, type WorkingWeight } from '../working-model';
import type { StepContext } from './context';

/** Units of progress: one per epoch. */
export function finetuneUnits(step: FinetuneStep): number {
  return step.stopAfter ?? step.epochs;
}

/** The tensors gradual pruning covers: every prunable float32 tensor (as the prune step's global target). */
function prunableIndices(model: WorkingModel): number[] {
  return model.weights.flatMap((w, i) => (w.prunable && w.dtype === 'float32' ? [i] : []));
}

function anySignal(signals: (AbortSignal | undefined)[]): AbortSignal | undefined {
  const given = signals.filter((s): s is AbortSignal => s !== undefined);
  return given.length <= 1 ? given[0] : AbortSignal.any(given);
}

export async function runFinetune(model: WorkingModel, step: FinetuneStep, ctx: StepContext): Promise<WorkingModel> {
  ctx.checkAbort();
  const data = ctx.data.training;
  if (!data) throw new PareError('missing-data', `${ctx.where} ('finetune') needs the training data set, and none was given.`);
  const [tfjs, { trainLayersModel, trainingTopology, maskOfZeros }, { trainableGraph, graphTrainableWeights }] = await Promise.all([
    import('@tensorflow/tfjs'),
    import('../../train/index'),
    import('../../train/graph-trainable'),
  ]);
  ctx.noteModelRun(tfjs.getBackend());

  // Layers models train as they are (a final softmax made linear); graph models with their kernels and biases as
  // variables (train/graph-trainable.ts), refused with the op that stops them.
  const load = async (m: WorkingModel): Promise<{ model: TrainableModel; output: OutputKind; dispose(): void }> => {
    const artifacts = workingArtifacts(m);
    if (m.format === 'graph-model') return trainableGraph(artifacts, graphTrainableWeights(m.weights), `${ctx.where} ('finetune')`);
    const t = trainingTopology(artifacts.modelTopology);
    const loaded = await tfjs.loadLayersModel(tfjs.io.fromMemory({ ...artifacts, modelTopology: t.topology as tf.io.ModelArtifacts['modelTopology'] }));
    return { model: loaded, output: t.output, dispose: () => loaded.dispose() };
  };
  const student = await load(model);
  let teacher: { model: TrainableModel; dispose(): void } | null = null;
  const warnings: PareWarning[] = [];
  try {
    const labelled = data.dataset.labelled;
    const output: OutputKind = student.output === 'values' && labelled ? 'probabilities' : student.output;
    let distill: TrainOptions['teacher'];
    if (step.distill) {
      const fromSource = (step.distill.teacher ?? 'source') === 'source';
      const t = await load(fromSource ? { ...model, modelTopology: model.source.artifacts.modelTopology, weights: model.source.weights.map((w) => ({ ...w, masked: false, prune: { mode: 'none' } })) } : model);
      teacher = t;
      const same = JSON.stringify(teacher.model.outputs[0]!.shape) === JSON.stringify(student.model.outputs[0]!.shape);
      if (!same) {
        throw new PareError('unsupported', `${ctx.where}.distill: the teacher ('${step.distill.teacher ?? 'source'}') outputs ${JSON.stringify(teacher.model.outputs[0]!.shape)} and the model being trained ${JSON.stringify(student.model.outputs[0]!.shape)}; use "teacher": "input" after a step that changes the outputs.`);
      }
      const spec: DistillSpec = {
        loss: step.distill.loss ?? (output === 'values' ? 'mse' : 'soft-targets'),
        temperature: step.distill.temperature,
        alpha: step.distill.alpha,
      };
      if (spec.loss === 'soft-targets' && output === 'values') {
        throw new PareError('bad-recipe', `${ctx.where}.distill.loss "soft-targets" needs class scores, and this model's output does not end in softmax; use "mse" or "cosine".`);
      }
      distill = { model: teacher.model, spec };
    } else if (!labelled) {
      throw new PareError('bad-data', `${ctx.where} ('finetune'): the training data has no labels; add "distill" so the original model teaches from its outputs.`);
    }

    const masks = new Map<string, Float32Array>();
    for (const w of model.weights) if (w.masked) masks.set(w.name, maskOfZeros(w.values as Float32Array));
    const pruned = step.sparsity ? prunableIndices(model) : [];
    const r = await trainLayersModel(student.model, data.dataset, {
      epochs: step.epochs,
      batch: step.batch,
      learningRate: step.learningRate,
      seed: step.seed,
      output,
      validation: ctx.data.validation?.dataset ?? step.validation ?? 0.1,
      patience: step.patience,
      stopAfter: step.stopAfter,
      masks,
      pruning: step.sparsity && { weights: pruned.map((i) => model.weights[i]!.name), from: step.sparsity.from, to: step.sparsity.to, until: step.sparsity.until, every: step.sparsity.every },
      teacher: distill,
      signal: anySignal([ctx.training?.signal, ctx.training?.stop]),
      onProgress: (p) => {
        ctx.training?.onProgress?.(p);
        if (p.kind === 'epoch') void ctx.tick('finetune');
      },
    });
    // The recipe's own signal cancels everything; `stop` alone ends training and the recipe goes on.
    ctx.checkAbort();
    warnings.push({ code: 'note', message: `${ctx.where} ('finetune'): ${r.summary}` });
    const weights = readBack(model, student.model, masks);
    if (step.sparsity) exactSparsity(weights, pruned, step.sparsity.to);
    return { ...model, weights, warnings: [...model.warnings, ...warnings] };
  } finally {
    student.dispose();
    teacher?.dispose();
  }
}

/** The trained values of every weight the model trains or updates (batch-norm statistics too); others shared. */
function readBack(model: WorkingModel, trained: TrainableModel, masks: Map<string, Float32Array>): WorkingWeight[] {
  const byName = new Map(trained.weights.map((w) => [w.originalName, w]));
  return model.weights.map((w) => {
    const v = byName.get(w.name);
    if (!v || w.dtype !== 'float32') return w;
    const values = (v.read().dataSync() as Float32Array).slice();
    const mask = masks.get(w.name);
    // +0 where the mask is: the stored bytes of a pruned weight never depend on the sign it had.
    if (mask) for (let i = 0; i < values.length; i++) if (mask[i] === 0) values[i] = 0;
    return { ...w, values };
  });
}

/** Prunes the covered tensors to exactly round(target * n) zeros (training may have stopped before the schedule). */
function exactSparsity(weights: WorkingWeight[], indices: number[], target: number): void {
  const r = pruneGlobal(indices.map((i) => weights[i]!.values as Float32Array), target);
  indices.forEach((i, j) => (weights[i] = { ...weights[i]!, values: r.values[j]!, masked: true, prune: { mode: 'global', sparsity: target } }));
}
