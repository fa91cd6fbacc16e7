/**
 * What the trade-off charts can put on their y axis. With labelled data that is accuracy; without, the variants
 * are compared with the original, and top-1 agreement alone misleads (a one-output model always "agrees", an
 * embedding model never does), so cosine similarity and the relative error ||y' − y|| / ||y|| can be picked too.
 */
import type { QualityResult } from '../../src/worker/api';
import { formatCosine, formatPercent, formatRelativeError } from '../../src/text/wording';

export type QualityMetricId = 'accuracy' | 'agreement' | 'cosine' | 'relative-error';

export interface QualityMetric {
  id: QualityMetricId;
  /** The axis title and the chart's name: "Cosine similarity vs size". */
  label: string;
  /** A short name for the picker. */
  short: string;
  /** The value to plot for a measured quality, in axis units; the original's own value when it is the reference. */
  valueOf: (q: QualityResult) => number | null;
  /** What the original scores against itself (it is the reference), or null when it must be measured. */
  reference: number | null;
  /** Larger is better (accuracy, agreement, cosine); false for the relative error. */
  higherIsBetter: boolean;
  /** Bounds the axis never goes past. */
  floor: number;
  ceil?: number;
  /** A tick label for an axis value; `decimals` is what the ticks need to tell apart. */
  tick: (y: number, decimals: number) => string;
  /** The value in words, for tooltips and point names. */
  format: (y: number) => string;
}

const percentTick = (y: number, decimals: number) => `${y.toFixed(decimals)}%`;

export const qualityMetrics: Record<QualityMetricId, QualityMetric> = {
  accuracy: {
    id: 'accuracy',
    label: 'Accuracy',
    short: 'accuracy',
    valueOf: (q) => (q.kind === 'accuracy' ? q.value * 100 : null),
    reference: null,
    higherIsBetter: true,
    floor: 0,
    ceil: 100,
    tick: percentTick,
    format: (y) => formatPercent(y / 100),
  },
  agreement: {
    id: 'agreement',
    label: 'Agreement with original',
    short: 'agreement',
    valueOf: (q) => (q.kind === 'fidelity' ? q.value * 100 : null),
    reference: 100,
    higherIsBetter: true,
    floor: 0,
    ceil: 100,
    tick: percentTick,
    format: (y) => `${formatPercent(y / 100)} agree`,
  },
  cosine: {
    id: 'cosine',
    label: 'Cosine similarity to original',
    short: 'cosine',
    valueOf: (q) => (q.kind === 'fidelity' ? q.cosine : null),
    reference: 1,
    higherIsBetter: true,
    floor: -1,
    ceil: 1,
    tick: (y, decimals) => y.toFixed(decimals),
    format: (y) => `cosine ${formatCosine(y)}`,
  },
  'relative-error': {
    id: 'relative-error',
    label: 'Relative error against original',
    short: 'relative error',
    valueOf: (q) => (q.kind === 'fidelity' && q.relativeError !== null && Number.isFinite(q.relativeError) ? q.relativeError * 100 : null),
    reference: 0,
    higherIsBetter: false,
    floor: 0,
    tick: percentTick,
    format: (y) => `relative error ${formatRelativeError(y / 100)}`,
  },
};

/** The metrics that apply to a kind of measurement: accuracy alone with labels, the three fidelity ones without. */
export function metricsFor(kind: QualityResult['kind'] | null): QualityMetric[] {
  if (kind === 'accuracy') return [qualityMetrics.accuracy];
  return [qualityMetrics.cosine, qualityMetrics['relative-error'], qualityMetrics.agreement];
}

/**
 * The metric to plot: the user's pick when it applies to what was measured, else the first that does. Cosine
 * leads without labels because it reads every output, where agreement reads only the top one.
 */
export function resolveMetric(kind: QualityResult['kind'] | null, picked: QualityMetricId | null): QualityMetric {
  const options = metricsFor(kind);
  return options.find((m) => m.id === picked) ?? options[0];
}

/** The decimals ticks need to read apart: 0 for 10, 20, 30; 1 for 97.5; 3 for 0.995. At most 4. */
export function tickDecimals(ticks: readonly number[]): number {
  let decimals = 0;
  for (const t of ticks) {
    while (decimals < 4 && Math.abs(t - Number(t.toFixed(decimals))) > 1e-9) decimals++;
  }
  return decimals;
}
