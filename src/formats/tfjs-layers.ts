/**
 * TF.js layers models (Keras-converted or saved by TF.js): a model.json whose modelTopology is a Keras model
 * config, with or without a `format` field (older files have none, and shards named without '.bin').
 */
import { openTfjsModel } from './open-tfjs';
import type { FormatReader } from './types';

export const tfjsLayersReader: FormatReader = {
  id: 'tfjs-layers',
  match: (ctx) => ctx.modelJson()?.kind === 'layers',
  open: async (ctx) => openTfjsModel(ctx, ctx.modelJson()!, { reader: 'tfjs-layers' }),
};
