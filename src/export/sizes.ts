/**
 * Sizes of an export: on disk, and over the wire when a server gzips each file. Gzip sizes use fflate's gzipSync at
 * level 9 with no timestamp, per shard (a server compresses each file on its own), so they are reproducible.
 *
 * Compressing is by far the slowest thing an export does (a few MB/s at level 9, against hundreds of MB/s for the
 * pruning and quantization kernels), so the gzip size is computed the first time it is read, and then kept: the
 * studio reads it when it measures a variant, `pare optimize` only when asked for sizes over the wire.
 */
import { gzipSync } from 'fflate';
import type { OpenedModel } from '../model/types';
import { splitShards } from './shards';

/** The gzip level behind every gzip size the studio reports. */
export const GZIP_LEVEL = 9;

export interface ExportSizes {
  /** Bytes of model.json. */
  modelJsonBytes: number;
  /** Bytes of all weight shards together. */
  weightBytes: number;
  /**
   * Sum over the shards of each shard's gzip size (level 9): what the weights cost over a compressing server.
   * Computed when first read (it is slow), then cached.
   */
  readonly weightGzipBytes: number;
  /** modelJsonBytes + weightBytes. */
  totalBytes: number;
}

/** Gzip size of one buffer at GZIP_LEVEL. */
export function gzipBytes(data: Uint8Array): number {
  return gzipSync(data, { level: GZIP_LEVEL, mtime: 0 }).byteLength;
}

/**
 * Sizes of a model.json of `modelJsonBytes` bytes and its shards. `weightGzipBytes` is an enumerable getter, so
 * JSON.stringify, structured cloning (the worker boundary) and spreading all see a number; the shards are
 * compressed once, on the first read.
 */
export function sizesOf(modelJsonBytes: number, shards: readonly Uint8Array[]): ExportSizes {
  let weightBytes = 0;
  for (const s of shards) weightBytes += s.byteLength;
  let gzip: number | undefined;
  return {
    modelJsonBytes,
    weightBytes,
    get weightGzipBytes() {
      gzip ??= shards.reduce((n, s) => n + gzipBytes(s), 0);
      return gzip;
    },
    totalBytes: modelJsonBytes + weightBytes,
  };
}

/**
 * The model's weight bytes as they were opened, cut in 4 MB pieces as an export would shard them, so that gzip
 * figures of input and export are comparable whatever the input's own shard layout was. Views, not copies.
 */
export function sourcePieces(model: OpenedModel): Uint8Array[] {
  const data = model.artifacts.weightData;
  const buffers = data === undefined ? [] : Array.isArray(data) ? data : [data];
  const pieces: Uint8Array[] = [];
  for (const b of buffers) if (b.byteLength) pieces.push(...splitShards(new Uint8Array(b)));
  return pieces;
}

/** Sizes of the model as it was opened, for before/after comparisons (gzip computed when first read). */
export function sourceSizes(model: OpenedModel): ExportSizes {
  return sizesOf(model.modelJsonBytes, sourcePieces(model));
}
