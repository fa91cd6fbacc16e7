/**
 * The quantize step's bias correction: one calibration pass over the model as the step found it (after
 * equalization) gives each covered kernel's mean input, and each kernel's bias is corrected for the mean shift its
 * stored values make. Kernels whose layer has no bias, or that are stored in float32, are left as they are.
 */
import { PareError, type PareWarning } from '../../errors';
import { correctedBias } from '../../quantize/bias-correction';
import type { StorePlan } from '../plan';
import type { QuantizeStep } from '../steps';
import type { WorkingModel } from '../working-model';
import { calibrateEach, DEFAULT_CALIBRATION_SAMPLES } from './calibration';
import type { StepContext } from './context';

const lastSegment = (name: string) => name.slice(name.lastIndexOf('/') + 1);

/** Kernel index -> its bias's index, for the kernels bias correction applies to. */
export function biasCorrected(model: Pick<WorkingModel, 'weights'>, plans: readonly StorePlan[]): Map<number, number> {
  const pairs = new Map<number, number>();
  model.weights.forEach((w, i) => {
    if (!w.prunable || w.dtype !== 'float32' || plans[i]!.dtype === 'float32') return;
    const b = model.weights.findIndex((x) => x.owner === w.owner && lastSegment(x.name) === 'bias' && x.dtype === 'float32');
    if (b >= 0) pairs.set(i, b);
  });
  return pairs;
}

/**
 * The corrected float values of each bias (by index), given the values each kernel will be stored as.
 * @throws PareError('unsupported') for graph models, PareError('missing-data') without calibration data
 */
export async function correctBiases(
  model: WorkingModel,
  plans: readonly StorePlan[],
  storedValues: (i: number) => Float32Array,
  step: QuantizeStep,
  ctx: StepContext,
): Promise<{ biases: Map<number, Float32Array>; warnings: PareWarning[] }> {
  if (model.format !== 'layers-model') {
    throw new PareError('unsupported', `${ctx.where}.biasCorrection covers layers models today; leave it out for this ${model.format}.`);
  }
  const pairs = biasCorrected(model, plans);
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
        biases.set(b, correctedBias(model.weights[b]!.values, w.values as Float32Array, storedValues(i), mean, w.shape[w.shape.length - 1]!));
      }
      return w.values;
    },
  );
  const uncorrected = model.weights.filter((w, i) => w.prunable && w.dtype === 'float32' && plans[i]!.dtype !== 'float32' && !pairs.has(i));
  for (const w of uncorrected) warnings.push({ code: 'note', message: `'${w.name}' has no bias to correct (its layer '${w.owner}' has none).`, weight: w.name });
  return { biases, warnings };
}
