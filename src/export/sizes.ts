/**
 * Sizes of an export: on disk, and over the wire when a server gzips each file. Gzip sizes use fflate's gzipSync at
 * level 9 with no timestamp, per shard (a server compresses each file on its own), so they are reproducible.
 */
import { gzipSync } from 'fflate';
import { concatBytes } from '../bytes';
import type { OpenedModel } from '../model/types';
import { splitShards } from './shards';

/** The gzip level behind every gzip size Pare reports. */
export const GZIP_LEVEL = 9;

export interface ExportSizes {
  /** Bytes of model.json. */
  modelJsonBytes: number;
  /** Bytes of all weight shards together. */
  weightBytes: number;
  /** Sum over the shards of each shard's gzip size (level 9): what the weights cost over a compressing server. */
  weightGzipBytes: number;
  /** modelJsonBytes + weightBytes. */
  totalBytes: number;
}

/** Gzip size of one buffer at GZIP_LEVEL. */
export function gzipBytes(data: Uint8Array): number {
  return gzipSync(data, { level: GZIP_LEVEL, mtime: 0 }).byteLength;
}

/** Sizes of a model.json of `modelJsonBytes` bytes and its shards. */
export function sizesOf(modelJsonBytes: number, shards: readonly Uint8Array[]): ExportSizes {
  let weightBytes = 0;
  let weightGzipBytes = 0;
  for (const s of shards) {
    weightBytes += s.byteLength;
    weightGzipBytes += gzipBytes(s);
  }
  return { modelJsonBytes, weightBytes, weightGzipBytes, totalBytes: modelJsonBytes + weightBytes };
}

/**
 * Sizes of the model as it was opened, for before/after comparisons. Its weight bytes are measured in 4 MB pieces,
 * as an export would shard them, so the gzip figures of input and export are comparable whatever the input's
 * own shard layout was.
 */
export function sourceSizes(model: OpenedModel): ExportSizes {
  const data = model.artifacts.weightData;
  const buffers = data === undefined ? [] : Array.isArray(data) ? data : [data];
  const all = concatBytes(buffers.map((b) => new Uint8Array(b)));
  return sizesOf(model.modelJsonBytes, all.byteLength ? splitShards(all) : []);
}
