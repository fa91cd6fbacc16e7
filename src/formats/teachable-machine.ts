/**
 * Teachable Machine exports: a layers model.json + weights.bin with a metadata.json beside it that names the
 * classes (`labels` for image and pose projects, `wordLabels` for audio). The model opens as a layers model;
 * this reader adds the labels.
 */
import { PareError } from '../errors';
import { openTfjsModel } from './open-tfjs';
import { isRecord } from './context';
import { dirnameOf, joinPath } from '../files/paths';
import type { FormatContext, FormatReader } from './types';

/** metadata.json beside the model JSON, and its labels, when it is a Teachable Machine export. */
function teachableMetadata(ctx: FormatContext): { name: string; labels: string[] } | null {
  const choice = ctx.modelJson();
  if (!choice || choice.kind !== 'layers') return null;
  const name = joinPath(dirnameOf(choice.name), 'metadata.json');
  if (!ctx.file(name)) return null;
  let metadata: unknown;
  try {
    metadata = ctx.json(name);
  } catch {
    return null; // a broken metadata.json does not stop the model from opening; it is then reported as unused
  }
  if (!isRecord(metadata)) return null;
  const labels = metadata.labels ?? metadata.wordLabels;
  if (!Array.isArray(labels) || !labels.every((l) => typeof l === 'string')) return null;
  return { name, labels };
}

export const teachableMachineReader: FormatReader = {
  id: 'teachable-machine',
  match: (ctx) => teachableMetadata(ctx) !== null,
  open: async (ctx) => {
    const metadata = teachableMetadata(ctx);
    if (!metadata) throw new PareError('not-a-model', 'This drop is not a Teachable Machine export: metadata.json has no labels.');
    const model = await openTfjsModel(ctx, ctx.modelJson()!, { reader: 'teachable-machine', alsoUsed: [metadata.name] });
    return { ...model, labels: metadata.labels };
  },
};
