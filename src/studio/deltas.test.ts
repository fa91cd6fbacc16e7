import { describe, expect, it } from 'vitest';
import { deltasAgainst } from './deltas';

const original = { totalBytes: 1_069_129, weightGzipBytes: 989_470, quality: 0.886, latencyMs: 0.4 };

describe('deltasAgainst', () => {
  it('gives size and latency ratios and the accuracy change in points', () => {
    const d = deltasAgainst({ totalBytes: 269_500, weightGzipBytes: 161_327, quality: 0.884, latencyMs: 0.42 }, original);
    expect(d.totalRatio).toBeCloseTo(269_500 / 1_069_129, 12);
    expect(d.gzipRatio).toBeCloseTo(161_327 / 989_470, 12);
    expect(d.qualityPoints).toBeCloseTo(-0.2, 10);
    expect(d.latencyRatio).toBeCloseTo(1.05, 10);
  });

  it('gives null for what was not measured on both sides', () => {
    const d = deltasAgainst({ totalBytes: 10, weightGzipBytes: 5, quality: null, latencyMs: 1 }, { ...original, latencyMs: null });
    expect(d.qualityPoints).toBeNull();
    expect(d.latencyRatio).toBeNull();
    expect(deltasAgainst(original, { ...original, totalBytes: 0 }).totalRatio).toBeNull();
  });
});
