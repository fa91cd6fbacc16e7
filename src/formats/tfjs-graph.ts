/**
 * TF.js graph models (tensorflowjs_converter output): a JSON file whose modelTopology holds a node list. Any
 * *.json file name works ('emotion.json'), not only model.json.
 */
import { openTfjsModel } from './open-tfjs';
import type { FormatReader } from './types';

export const tfjsGraphReader: FormatReader = {
  id: 'tfjs-graph',
  match: (ctx) => ctx.modelJson()?.kind === 'graph',
  open: async (ctx) => openTfjsModel(ctx, ctx.modelJson()!, { reader: 'tfjs-graph' }),
};
