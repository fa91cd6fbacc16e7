/**
 * Where the studio may cut the open model for a new head: the core's cut points (top-level layers of a layers
 * model, op nodes of a graph model) with their output shapes, and the core's default marked, so the page offers
 * exactly the cuts the retarget step accepts.
 */
import { PareError } from '../errors';
import { plural } from '../evaluate/dataset';
import { dataTargetFor } from '../evaluate/target';
import { shapeText } from '../evaluate/preprocessing';
import { loadTfModel } from '../model/load-tf';
import { nodeNameOf } from '../model/graph-topology';
import type { OpenedModel } from '../model/types';
import { cutPoints, defaultCut, type CutPoint } from '../train/retarget/cut';
import { defaultGraphCut, graphCutPoints } from '../train/retarget/graph-cut';
import type { CutChoices } from './api';

function choicesOf(points: CutPoint[], def: string | undefined): CutChoices {
  return {
    choices: points.map((p) => ({ name: p.name, className: p.className, shape: [...p.shape], isDefault: p.name === def })),
    defaultCut: points.some((p) => p.name === def) ? def! : null,
  };
}

/**
 * The cuts a retarget step can make in `model`, nearest the input first.
 * @throws PareError('unsupported') for a graph model a new head cannot be put on, saying why
 * @example (await cutChoices(model)).defaultCut // 'flatten'
 */
export async function cutChoices(model: OpenedModel): Promise<CutChoices> {
  if (model.format === 'layers-model') {
    const m = await loadTfModel(model.artifacts, 'layers-model');
    try {
      const points = cutPoints(m);
      return choicesOf(points, defaultCut(m, points)?.name);
    } finally {
      m.dispose();
    }
  }
  const g = await loadTfModel(model.artifacts, 'graph-model');
  try {
    if (g.inputNodes.length !== 1 || g.outputNodes.length !== 1) {
      throw new PareError('unsupported', `This graph model has ${plural(g.inputNodes.length, 'input')} and ${plural(g.outputNodes.length, 'output')}; a new head can be put only on a graph with one of each, so new classes cannot be taught to it.`);
    }
    const shape = dataTargetFor(model).inputShape.slice(1);
    if (shape.some((d) => d === null || d <= 0)) {
      throw new PareError('unsupported', `This graph model's input ${shapeText(dataTargetFor(model).inputShape)} has dimensions of no fixed size, so Pare cannot find where it can be cut for a new head.`);
    }
    const points = graphCutPoints(g, model.artifacts.modelTopology, shape as number[]);
    if (points.length === 0) throw new PareError('unsupported', 'No op of this graph model has an output of fixed size a new head could read, so new classes cannot be taught to it.');
    return choicesOf(points, defaultGraphCut(model.artifacts.modelTopology, nodeNameOf(g.outputNodes[0]!)));
  } finally {
    g.dispose();
  }
}
