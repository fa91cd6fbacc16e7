/**
 * Builds the FormatContext readers share over an unpacked drop (src/files): parses JSON once, and picks the model
 * JSON.
 */
import { PareError } from '../errors';
import { defaultLimits, type UnpackedDrop, type UnpackLimits } from '../files';
import type { InputFile } from '../model/types';
import { basenameOf, normalizePath } from '../files/paths';
import type { FormatContext, ModelJsonChoice } from './types';
import { quoteName } from '../files/quote';
import { checkJsonDepth } from './json-depth';

const utf8 = new TextDecoder('utf-8');

/**
 * Makes the context for one drop, already unpacked, normalised and cleared of junk by `unpackDrop`.
 *
 * @example
 *   const ctx = makeContext(unpackDrop(files));
 *   ctx.modelJson()?.name; // 'mymodel/model.json'
 */
export function makeContext(drop: UnpackedDrop, limits: Partial<UnpackLimits> = {}): FormatContext {
  const files = drop.files;
  const byName = new Map(files.map((f) => [f.name, f]));
  const parsed = new Map<string, unknown>();
  let choice: ModelJsonChoice | null | undefined;

  const json = (name: string): unknown => {
    if (parsed.has(name)) return parsed.get(name);
    const file = byName.get(name);
    if (!file) return undefined;
    const value = parseJsonFile(file);
    parsed.set(name, value);
    return value;
  };

  return {
    files,
    dropName: drop.name,
    limits: { ...defaultLimits(), ...limits },
    // Shard paths from a manifest are looked up in drop coordinates ('./a.bin' and 'a.bin' name one file).
    file: (name) => byName.get(normalizePath(name)),
    json,
    modelJson: () => {
      if (choice === undefined) choice = chooseModelJson(files, json);
      return choice;
    },
  };
}

/**
 * Parses a JSON file, or throws 'bad-json' quoting the parser's complaint and the file name, 'bad-encoding' for
 * UTF-16 or UTF-32 text (TF.js reads model files as UTF-8), 'too-deep' past the nesting Pare walks.
 */
export function parseJsonFile(file: InputFile): unknown {
  const encoding = otherEncoding(file.data);
  if (encoding) {
    throw new PareError(
      'bad-encoding',
      `${quoteName(file.name)} is ${encoding} text; expected UTF-8 JSON, as TF.js writes and reads model files. Save it as UTF-8.`,
      { file: file.name },
    );
  }
  let text = utf8.decode(file.data);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // a byte-order mark is valid UTF-8 but not JSON
  if (text.trim() === '') {
    throw new PareError('bad-json', `${quoteName(file.name)} is empty; expected a TF.js model JSON.`, { file: file.name });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new PareError('bad-json', `${quoteName(file.name)} is not valid JSON: ${quoteName(reason).slice(1, -1)}.`, { file: file.name });
  }
  checkJsonDepth(value, file.name);
  return value;
}

/** UTF-16/32 by their byte-order marks, or by the zero bytes ASCII JSON has between its characters. */
function otherEncoding(data: Uint8Array): string | null {
  const [a, b, c, d] = data;
  if (a === 0xff && b === 0xfe && c === 0 && d === 0) return 'UTF-32 (little-endian, with a byte-order mark)';
  if (a === 0 && b === 0 && c === 0xfe && d === 0xff) return 'UTF-32 (big-endian, with a byte-order mark)';
  if (a === 0xff && b === 0xfe) return 'UTF-16 (little-endian, with a byte-order mark)';
  if (a === 0xfe && b === 0xff) return 'UTF-16 (big-endian, with a byte-order mark)';
  if (data.length >= 4 && a !== 0 && b === 0 && c !== 0 && d === 0) return 'UTF-16 (little-endian)';
  if (data.length >= 4 && a === 0 && b !== 0 && c === 0 && d !== 0) return 'UTF-16 (big-endian)';
  return null;
}

/** A TF.js model JSON has a modelTopology or a weightsManifest at its top level; nothing else does. */
export function isModelLike(value: unknown): value is Record<string, unknown> {
  return isRecord(value) && ('modelTopology' in value || 'weightsManifest' in value);
}

/** Tells a Keras layers topology from a TF graph by shape, since old files carry no `format` field. */
export function topologyKind(json: Record<string, unknown>): ModelJsonChoice['kind'] {
  const topology = json.modelTopology;
  if (isRecord(topology)) {
    if (Array.isArray(topology.node)) return 'graph';
    if (isRecord(topology.model_config)) return 'layers';
    if (typeof topology.class_name === 'string' && 'config' in topology) return 'layers';
  }
  return 'unknown';
}

function chooseModelJson(files: readonly InputFile[], json: (name: string) => unknown): ModelJsonChoice | null {
  const candidates: ModelJsonChoice[] = [];
  let firstFailure: PareError | null = null;
  for (const file of files) {
    if (!file.name.toLowerCase().endsWith('.json')) continue;
    let value: unknown;
    try {
      value = json(file.name);
    } catch (e) {
      // A broken model.json is the model the user meant; another broken .json may be a stray file.
      if (basenameOf(file.name) === 'model.json') throw e;
      firstFailure ??= e as PareError;
      continue;
    }
    if (isModelLike(value)) candidates.push({ name: file.name, json: value, kind: topologyKind(value) });
  }
  if (candidates.length === 0) {
    if (firstFailure) throw firstFailure;
    return null;
  }
  if (candidates.length === 1) return candidates[0];
  const named = candidates.filter((c) => basenameOf(c.name) === 'model.json');
  if (named.length === 1) return named[0];
  const listed = (named.length > 1 ? named : candidates).map((c) => quoteName(c.name)).join(', ');
  throw new PareError(
    'ambiguous-input',
    `The drop holds ${named.length > 1 ? named.length : candidates.length} model files (${listed}); expected one — drop a single model's folder or files.`,
    { file: (named.length > 1 ? named : candidates)[0].name },
  );
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
