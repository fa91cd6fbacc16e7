/**
 * How a variant compares with the original, from measured figures only: size ratios, accuracy change in
 * percentage points, latency ratio. A figure that was not measured on both sides gives null, never a guess.
 */

export interface MeasuredFigures {
  /** Export bytes: model.json + shards, and the shards' gzip size. */
  totalBytes: number;
  weightGzipBytes: number;
  /** Top-1 accuracy or agreement in [0, 1], null when not measured. */
  quality: number | null;
  /** Median latency in ms, null when not measured. */
  latencyMs: number | null;
}

export interface Deltas {
  /** variant / original, e.g. 0.25 for a file a quarter the size. */
  totalRatio: number | null;
  gzipRatio: number | null;
  /** (variant - original) * 100: percentage points, negative when the variant is worse. */
  qualityPoints: number | null;
  /** variant / original median latency. */
  latencyRatio: number | null;
}

function ratio(a: number | null, b: number | null): number | null {
  return a !== null && b !== null && Number.isFinite(a) && Number.isFinite(b) && b > 0 ? a / b : null;
}

/**
 * Deltas of `variant` against `original`.
 *
 * @example deltasAgainst({ totalBytes: 250, weightGzipBytes: 100, quality: 0.88, latencyMs: 1 },
 *   { totalBytes: 1000, weightGzipBytes: 900, quality: 0.89, latencyMs: 1 }) // totalRatio 0.25, qualityPoints -1
 */
export function deltasAgainst(variant: MeasuredFigures, original: MeasuredFigures): Deltas {
  return {
    totalRatio: ratio(variant.totalBytes, original.totalBytes),
    gzipRatio: ratio(variant.weightGzipBytes, original.weightGzipBytes),
    qualityPoints:
      variant.quality !== null && original.quality !== null ? (variant.quality - original.quality) * 100 : null,
    latencyRatio: ratio(variant.latencyMs, original.latencyMs),
  };
}
