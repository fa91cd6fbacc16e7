/**
 * Test-only: a dropped model taken apart into its model JSON and one byte range per weight, so a test can edit
 * the topology or the manifest and put the files back together with shards that still fit the manifest. Lets the
 * hostile corpus break one thing at a time without also breaking the shard lengths.
 */
import type { InputFile } from '../../model/types';
import { concat } from './encode';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = Record<string, any>;

export interface WeightPart {
  spec: Json;
  bytes: Uint8Array;
}

export interface ModelParts {
  /** Folder of the model JSON in the drop ('' for a flat drop). */
  dir: string;
  jsonName: string;
  /** The model JSON without its weightsManifest (which `assemble` writes from `weights`). */
  json: Json;
  weights: WeightPart[];
}

const PER_VALUE: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };

/** Splits dropped files (model JSON + shards) into parts; the files must open as they are. */
export function explode(files: readonly InputFile[]): ModelParts {
  const jsonFile = files.find((f) => f.name.endsWith('.json') && !f.name.endsWith('metadata.json'))!;
  const json = JSON.parse(new TextDecoder().decode(jsonFile.data)) as Json;
  const slash = jsonFile.name.lastIndexOf('/');
  const dir = slash < 0 ? '' : jsonFile.name.slice(0, slash);
  const weights: WeightPart[] = [];
  for (const group of json.weightsManifest as Json[]) {
    const bytes = concat(group.paths.map((p: string) => files.find((f) => f.name === (dir ? `${dir}/${p}` : p))!.data));
    let at = 0;
    for (const spec of group.weights as Json[]) {
      const n = (spec.shape as number[]).reduce((a, b) => a * b, 1) * PER_VALUE[spec.quantization?.dtype ?? spec.dtype];
      weights.push({ spec: structuredClone(spec), bytes: bytes.subarray(at, at + n) });
      at += n;
    }
  }
  const rest = { ...json };
  delete rest.weightsManifest;
  return { dir, jsonName: jsonFile.name, json: structuredClone(rest), weights };
}

/** Writes the parts back as model JSON + one shard, 'group1-shard1of1.bin', beside it. */
export function assemble(parts: ModelParts, options: { paths?: string[]; manifest?: boolean } = {}): InputFile[] {
  const paths = options.paths ?? ['group1-shard1of1.bin'];
  const json = { ...parts.json };
  if (options.manifest !== false) json.weightsManifest = [{ paths, weights: parts.weights.map((w) => w.spec) }];
  const prefix = parts.dir ? `${parts.dir}/` : '';
  return [
    { name: parts.jsonName, data: new TextEncoder().encode(JSON.stringify(json)) },
    { name: `${prefix}group1-shard1of1.bin`, data: concat(parts.weights.map((w) => w.bytes)) },
  ];
}

/** A fresh copy of `parts` (JSON deep-copied, bytes shared: edits replace them rather than write into them). */
export function copyParts(parts: ModelParts): ModelParts {
  return { ...parts, json: structuredClone(parts.json), weights: parts.weights.map((w) => ({ spec: structuredClone(w.spec), bytes: w.bytes })) };
}

/** The layer list of a layers model's JSON (Sequential or functional, with or without the model_config envelope). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function layerList(json: Json): any[] {
  const top = json.modelTopology.model_config ?? json.modelTopology;
  return top.config.layers;
}

/** Replaces a JSON file's text by other bytes (another encoding, another value). */
export function withJsonBytes(files: readonly InputFile[], jsonName: string, data: Uint8Array): InputFile[] {
  return files.map((f) => (f.name === jsonName ? { name: f.name, data } : f));
}
