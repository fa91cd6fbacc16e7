/**
 * The `fuse` step: batch norms folded into the kernels before them, then, unless the step asks to stay a layers
 * model, the model rewritten as a graph model with bias and activation fused into its convolutions and matrix
 * products (src/structure/). The working model's format, topology, signature and weights change; a later quantize
 * step stores the result, and export writes a graph model that stock `tf.loadGraphModel` loads.
 *
 * A graph model given to it gets its unfused Conv2D/DepthwiseConv2dNative/MatMul + BiasAdd (+ activation) chains
 * fused; one with none left passes through unchanged, with a note saying so.
 */
import { PareError, type PareWarning } from '../../errors';
import { foldBatchNorms } from '../../structure/fold-batchnorm';
import { flattenLayers, hasNestedModels } from '../../structure/flatten-layers';
import { layersToGraph } from '../../structure/graph-export';
import { fuseGraphNodes } from '../../structure/graph-fuse';
import type { FuseStep } from '../steps';
import type { WorkingModel } from '../working-model';
import type { StepContext } from './context';

export async function runFuse(model: WorkingModel, step: FuseStep, ctx: StepContext): Promise<WorkingModel> {
  ctx.checkAbort();
  const notes: PareWarning[] = [];
  const note = (message: string) => notes.push({ code: 'note', message: `${ctx.where} (fuse): ${message}` });
  let out: WorkingModel;
  try {
    if (model.format === 'graph-model') {
      if (step.format === 'layers-model') {
        throw new PareError('unsupported', 'the model is a graph model, which cannot become a layers model; leave "format" out to fuse its nodes.');
      }
      const fused = fuseGraphNodes(model);
      out = fused.model;
      note(fused.fused.length ? `fused ${fused.fused.length} convolution or matrix product node chains with their bias and activation.` : 'every convolution and matrix product of this graph model is already fused; nothing changed.');
    } else {
      // Nested models (Teachable Machine's MobileNet + head) are inlined for the graph, which has no nesting.
      const toGraph = step.format !== 'layers-model';
      if (!toGraph && hasNestedModels(model.modelTopology)) {
        throw new PareError('unsupported', 'the model nests models inside it, which Pare folds only on the way to a graph model; leave "format" out.');
      }
      const flat = toGraph && hasNestedModels(model.modelTopology) ? { ...model, modelTopology: flattenLayers(model.modelTopology) as WorkingModel['modelTopology'] } : model;
      const folded = foldBatchNorms(flat);
      for (const k of folded.kept) note(`batch norm '${k.batchNorm}' was not folded: ${k.reason}.`);
      out = toGraph ? layersToGraph(folded.model) : folded.model;
    }
  } catch (e) {
    if (e instanceof PareError && !e.message.startsWith(ctx.where)) {
      throw new PareError(e.code, `${ctx.where} (fuse): ${e.message}`, { file: e.file, weight: e.weight });
    }
    throw e;
  }
  await ctx.tick('fuse');
  return { ...out, warnings: [...model.warnings, ...notes] };
}
