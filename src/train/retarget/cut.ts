/**
 * Where a layers model can be cut for a new head: the top-level layers whose one output has a fixed size, with
 * the shapes the user picks from. The default cut is the last pooling or flatten layer before the classifier
 * (what transfer learning usually keeps), or, when no trained layer lies below such a layer (an MLP's leading
 * Flatten), the layer that feeds the last Dense layer.
 */
import type * as tf from '@tensorflow/tfjs';
import { PareError } from '../../errors';
import { shapeText } from '../../evaluate/preprocessing';

export interface CutPoint {
  name: string;
  className: string;
  /** Output shape, batch dimension first. */
  shape: (number | null)[];
  /** Position among the model's top-level layers. */
  index: number;
  /** Weights in this layer and every layer before it: 0 means the head would learn from raw inputs. */
  weightsBelow: number;
}

const POOLING = /^(Flatten|GlobalAveragePooling[123]D|GlobalMaxPooling[123]D|AveragePooling[123]D|MaxPooling[123]D)$/;

/** Why `layer` cannot be cut at, or null when it can. */
function whyNot(layer: tf.layers.Layer): string | null {
  if (layer.getClassName() === 'InputLayer') return "it is the model's input, so no layer would be kept below the head";
  if (layer.inboundNodes.length !== 1) return `it is used at ${layer.inboundNodes.length} places in the model; a cut needs one`;
  const shape = layer.outputShape;
  if (!Array.isArray(shape) || Array.isArray(shape[0])) return 'it has several outputs';
  const dims = (shape as (number | null)[]).slice(1);
  if (dims.some((d) => d === null || d <= 0)) return `its output ${shapeText(shape as (number | null)[])} has dimensions of no fixed size`;
  return null;
}

/** The layers a new head can read from, in model order. */
export function cutPoints(model: tf.LayersModel): CutPoint[] {
  const points: CutPoint[] = [];
  let weights = 0;
  model.layers.forEach((layer, index) => {
    weights += layer.weights.length;
    if (whyNot(layer) === null) {
      points.push({ name: layer.name, className: layer.getClassName(), shape: layer.outputShape as (number | null)[], index, weightsBelow: weights });
    }
  });
  return points;
}

/** "fc1 [null, 120], fc2 [null, 84] and 3 earlier layers", the layers nearest the output first. */
export function cutPointsText(points: readonly CutPoint[], noun = 'layer', max = 12): string {
  const shown = [...points].reverse().slice(0, max).map((p) => `${p.name} ${shapeText(p.shape)}`);
  const rest = points.length - shown.length;
  return rest > 0 ? `${shown.join(', ')} and ${rest} earlier ${noun}${rest === 1 ? '' : 's'}` : shown.join(', ');
}

/** The default cut: the last pooling or flatten layer before the last Dense layer, with trained layers below it. */
export function defaultCut(model: tf.LayersModel, points: readonly CutPoint[]): CutPoint | undefined {
  const lastDense = model.layers.map((l) => l.getClassName()).lastIndexOf('Dense');
  const before = points.filter((p) => lastDense < 0 || p.index < lastDense);
  const pooled = before.filter((p) => POOLING.test(p.className) && p.weightsBelow > 0).at(-1);
  if (pooled) return pooled;
  // An MLP: the classifier's own input is the richest fixed-size feature it has.
  return before.filter((p) => p.weightsBelow > 0).at(-1) ?? before.at(-1);
}

/**
 * The cut the step asks for, or the default; a name that is not a layer, or a layer that cannot be cut, throws
 * PareError('bad-recipe') listing the layers that can, with their output shapes.
 */
export function chooseCut(model: tf.LayersModel, requested: string | undefined, where: string): CutPoint {
  const points = cutPoints(model);
  if (requested === undefined) {
    const cut = defaultCut(model, points);
    if (!cut) throw new PareError('unsupported', `${where}: this model has no layer a new head can read from (every layer has outputs of no fixed size).`);
    return cut;
  }
  const found = points.find((p) => p.name === requested);
  if (found) return found;
  const choices = `cut at one of: ${cutPointsText(points)}`;
  const layer = model.layers.find((l) => l.name === requested);
  if (layer) throw new PareError('bad-recipe', `${where}.cut is '${requested}', which cannot be cut at: ${whyNot(layer)}; ${choices}.`);
  const nested = model.layers.find((l) => 'layers' in l && (l as unknown as tf.LayersModel).layers.some((x) => x.name === requested));
  const what = nested ? `a layer inside the nested model '${nested.name}' (a cut must be a top-level layer)` : 'not a layer of this model';
  throw new PareError('bad-recipe', `${where}.cut is '${requested}', ${what}; ${choices}.`);
}
