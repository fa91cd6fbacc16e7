/**
 * The quantize step's bias correction: one calibration pass over the model as the step found it (after
 * equalization) gives each covered kernel's mean input, and each kernel's bias is corrected for the mean shift its
 * stored values make. Layers models: the bias of the kernel's layer. Graph models: the bias input of a fused op,
 * or the constant a following BiasAdd / Add adds (quantize/graph-bias.ts). Kernels with no such bias, or stored
 * in float32, are left as they are, and a note says why.
 */
import { PareError, type PareWarning } from '../../errors';
import { correctedBias, correctedDepthwiseBias } from '../../quantize/bias-correction';
import { graphBiases } from '../../quantize/graph-bias';
import type { StorePlan } from '../plan';
import type { QuantizeStep } from '../steps';
import type { WorkingModel } from '../working-model';
import { calibrateEach, DEFAULT_CALIBRATION_SAMPLES } from './calibration';
import type { StepContext } from './context';

const lastSegment = (name: string) => name.slice(name.lastIndexOf('/') + 1);

type Model = Pick<WorkingModel, 'weights' | 'format' | 'modelTopology'>;

/** Kernel index -> its bias's index for the kernels bias correction applies to, and why each other one is left. */
function biasPairs(model: Model, plans: readonly StorePlan[]): { pairs: Map<number, number>; reasons: Map<number, string> } {
  const pairs = new Map<number, number>();
  const reasons = new Map<number, string>();
  const kernels = model.weights.flatMap((w, i) => (w.prunable && w.dtype === 'float32' && plans[i]!.dtype !== 'float32' ? [i] : []));
  const index = new Map(model.weights.map((w, i) => [w.name, i]));
  const graph = model.format === 'graph-model' ? graphBiases(model.modelTopology, kernels.map((i) => model.weights[i]!), model.weights) : null;
  // A kernel's bias index, or why it has none to correct.
  const biasOf = (w: WorkingModel['weights'][number]): number | string => {
    if (!graph) {
      const b = model.weights.findIndex((x) => x.owner === w.owner && lastSegment(x.name) === 'bias' && x.dtype === 'float32');
      return b >= 0 ? b : `its layer '${w.owner}' has none`;
    }
    const found = graph.get(w.name)!;
    if (typeof found === 'string') return found;
    const b = index.get(found.bias)!;
    return model.weights[b]!.dtype === 'float32' ? b : `'${found.bias}' is not float32`;
  };
  for (const i of kernels) {
    const b = biasOf(model.weights[i]!);
    if (typeof b === 'string') reasons.set(i, b);
    else pairs.set(i, b);
  }
  return { pairs, reasons };
}

/** Kernel index -> its bias's index, for the kernels bias correction applies to. */
export function biasCorrected(model: Model, plans: readonly StorePlan[]): Map<number, number> {
  return biasPairs(model, plans).pairs;
}

/**
 * The corrected float values of each bias (by index), given the values each kernel will be stored as.
 * @throws PareError('missing-data') without calibration data
 */
export async function correctBiases(
  model: WorkingModel,
  plans: readonly StorePlan[],
  storedValues: (i: number) => Float32Array,
  step: QuantizeStep,
  ctx: StepContext,
): Promise<{ biases: Map<number, Float32Array>; warnings: PareWarning[] }> {
  if (model.format !== 'layers-model' && model.format !== 'graph-model') {
    throw new PareError('unsupported', `${ctx.where}.biasCorrection covers layers and graph models; leave it out for this ${model.format}.`);
  }
  const { pairs, reasons } = biasPairs(model, plans);
  const biases = new Map<number, Float32Array>();
  const { warnings } = await calibrateEach(
    model,
    [...pairs.keys()],
    { phase: 'quantize', method: 'bias correction', fallback: 'no bias correction', gram: false, samples: step.samples ?? DEFAULT_CALIBRATION_SAMPLES, sequential: false },
    ctx,
    (i, c) => {
      const w = model.weights[i]!;
      if (c) {
        const mean = c.stats.sums.map((s) => s / c.stats.rows);
        const b = pairs.get(i)!;
        const bias = model.weights[b]!.values;
        const kernel = w.values as Float32Array;
        biases.set(
          b,
          c.target.kind === 'depthwise'
            ? correctedDepthwiseBias(bias, kernel, storedValues(i), mean, w.shape)
            : correctedBias(bias, kernel, storedValues(i), mean, w.shape[w.shape.length - 1]!),
        );
      }
      return w.values;
    },
  );
  for (const [i, why] of reasons) {
    const w = model.weights[i]!;
    warnings.push({ code: 'note', message: `'${w.name}' has no bias to correct: ${why}.`, weight: w.name });
  }
  return { biases, warnings };
}
