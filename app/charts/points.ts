/**
 * The points of the trade-off charts, from measured results only: one per variant measured on the current data,
 * the original marked. Without labelled data the y axis compares with the original (cosine, relative error or
 * agreement; see quality-metrics.ts), and the original sits at the reference value by definition.
 */
import type { QualityResult } from '../../src/worker/api';
import type { VariantEntry } from '../state/variants-slice';
import { ORIGINAL } from '../state/variants-slice';
import { isMeasuredNow } from '../state/selectors';
import { resolveMetric, type QualityMetric, type QualityMetricId } from './quality-metrics';

export type XAxisKind = 'size-gzip' | 'size-raw' | 'latency';

export interface ChartPoint {
  id: string;
  name: string;
  summary: string;
  isOriginal: boolean;
  x: number;
  /** The chosen quality metric, in its axis units (percent for accuracy, agreement and relative error). */
  y: number;
  entry: VariantEntry;
}

export interface TradeoffData {
  points: ChartPoint[];
  /** What y is: accuracy on labelled data, or agreement with the original. */
  quality: QualityResult['kind'] | null;
  /** What y is, resolved from the user's pick and what was measured. */
  metric: QualityMetric;
  weakProxy: boolean;
  /** Entries left out: not measured on the current data, or without the figure this axis needs. */
  missing: number;
}

function xOf(entry: VariantEntry, axis: XAxisKind): number | null {
  const m = entry.measurement;
  if (!m) return null;
  if (axis === 'latency') return m.latency?.medianMs ?? null;
  if (axis === 'size-raw') return m.sizes.totalBytes;
  return m.sizes.modelJsonBytes + m.sizes.weightGzipBytes;
}

/**
 * Points for one chart.
 *
 * @example tradeoffPoints(state.variants, state.data?.key ?? null, 'size-gzip', 'cosine')
 */
export function tradeoffPoints(
  entries: readonly VariantEntry[],
  dataKey: string | null,
  axis: XAxisKind,
  metricPick: QualityMetricId | null = null,
): TradeoffData {
  const current = entries.filter((e) => isMeasuredNow(e, dataKey));
  const kinds = current.map((e) => e.measurement!.quality?.kind).filter((k) => k !== undefined);
  const quality = kinds.includes('accuracy') ? 'accuracy' : kinds.includes('fidelity') ? 'fidelity' : null;
  const metric = resolveMetric(quality, metricPick);
  const points: ChartPoint[] = [];
  let weakProxy = false;
  for (const e of current) {
    const x = xOf(e, axis);
    const q = e.measurement!.quality;
    let y: number | null = null;
    if (q && q.kind === quality) {
      y = metric.valueOf(q);
      weakProxy ||= q.weakProxy;
    } else if (e.id === ORIGINAL && quality === 'fidelity') y = metric.reference;
    if (x === null || y === null) continue;
    points.push({ id: e.id, name: e.name, summary: e.summary, isOriginal: e.id === ORIGINAL, x, y, entry: e });
  }
  return { points, quality, metric, weakProxy, missing: entries.length - points.length };
}
