/**
 * The format registry and the one entry point the worker and the CLI call: `openModel(files)`.
 * The drop is unpacked and normalised once by src/files; readers are then tried in order, and the first whose
 * `match` is true opens it.
 */
import { PareError } from '../errors';
import { basenameOf, normalizePath, quoteName, unpackDrop, type UnpackLimits } from '../files';
import type { InputFile, OpenedModel } from '../model/types';
import { isRecord, makeContext } from './context';
import { explainUnopenable } from './open-tfjs';
import { teachableMachineReader } from './teachable-machine';
import { tfjsGraphReader } from './tfjs-graph';
import { tfjsLayersReader } from './tfjs-layers';
import type { FormatContext, FormatReader } from './types';

export type { FormatContext, FormatReader, ModelJsonChoice } from './types';

/** In order: Teachable Machine before plain layers, since it is one too. */
export const readers: readonly FormatReader[] = [teachableMachineReader, tfjsLayersReader, tfjsGraphReader];

const EXPECTED = 'expected a TF.js model JSON (model.json) with its weight files, a folder holding them, or a .zip';

/**
 * Opens a dropped file set — model.json + shards, a folder's files (names like 'mymodel/model.json'), or a zip —
 * as an OpenedModel, validating everything once. `limits` bound what archives may unpack to (src/files/limits.ts).
 * Throws a PareError whose message names the file or weight.
 *
 * @example
 *   const model = await openModel([
 *     { name: 'model.json', data: jsonBytes },
 *     { name: 'group1-shard1of1.bin', data: shardBytes },
 *   ]);
 *   model.format; // 'layers-model'
 */
export async function openModel(files: InputFile[], options: { limits?: Partial<UnpackLimits> } = {}): Promise<OpenedModel> {
  const ctx = makeContext(unpackDrop(files, options.limits), options.limits);
  if (ctx.files.length === 0) throw emptyInput(files);
  const reader = readers.find((r) => r.match(ctx));
  if (reader) {
    const model = await reader.open(ctx);
    const sourceName = ctx.dropName ?? basenameOf(model.modelJsonName).replace(/\.json$/i, '');
    return sourceName && sourceName !== 'model' ? { ...model, sourceName } : model;
  }
  const choice = ctx.modelJson();
  if (choice) explainUnopenable(choice);
  throw notAModel(ctx);
}

function emptyInput(files: InputFile[]): PareError {
  if (files.length === 0) return new PareError('empty-input', `Nothing was dropped; ${EXPECTED}.`);
  const shown = files.slice(0, 3).map((f) => quoteName(f.name)).join(', ') + (files.length > 3 ? ', …' : '');
  const names = files.map((f) => normalizePath(f.name));
  const top = names[0].split('/')[0];
  if (names.every((n) => n.startsWith(`${top}/`))) {
    return new PareError('empty-input', `The folder ${quoteName(top)} holds only hidden or system files (${shown}); ${EXPECTED}.`, { file: top });
  }
  return new PareError('empty-input', `Only hidden or system files were dropped (${shown}); ${EXPECTED}.`, { file: files[0].name });
}

function notAModel(ctx: FormatContext): PareError {
  const files = ctx.files;
  const json = files.filter((f) => f.name.toLowerCase().endsWith('.json'));
  // The JSON the user most likely meant as the model: model.json, else the only JSON file alone or beside shards.
  const beside = files.length === 1 || files.some((f) => /\.bin$/i.test(f.name));
  const meant = json.find((f) => basenameOf(f.name) === 'model.json') ?? (json.length === 1 && beside ? json[0] : undefined);
  if (meant) {
    const value = ctx.json(meant.name);
    const holds = isRecord(value) ? 'an object with neither modelTopology nor weightsManifest' : describeJson(value);
    return new PareError(
      'not-a-model',
      `${quoteName(meant.name)} is JSON but not a TF.js model: it holds ${holds}; expected an object with modelTopology and weightsManifest.`,
      { file: meant.name },
    );
  }
  if (files.length === 1) {
    return new PareError('not-a-model', `${quoteName(files[0].name)} is not a TF.js model; ${EXPECTED}.`, { file: files[0].name });
  }
  const shown = files.slice(0, 4).map((f) => quoteName(f.name)).join(', ');
  return new PareError(
    'not-a-model',
    `None of the ${files.length} dropped files (${shown}${files.length > 4 ? ', …' : ''}) is a TF.js model; ${EXPECTED}.`,
    { file: files[0].name },
  );
}

/** What a top-level JSON value is, in words ("an array of 3 items", "null", "the number 42"). */
function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length.toLocaleString('en-US')} item${value.length === 1 ? '' : 's'}`;
  if (typeof value === 'string') return `a string (${quoteName(value.length > 40 ? `${value.slice(0, 40)}…` : value)})`;
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'boolean') return `the value ${value}`;
  return 'an object';
}
