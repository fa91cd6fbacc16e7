/**
 * One trade-off chart: quality (accuracy or agreement) against size or latency, one point per measured variant,
 * the original marked, the Pareto front drawn. Points are buttons: clicking one (or Enter on it) selects that
 * variant; hovering or focusing one shows its recipe and figures. Only measured values are plotted.
 *
 * Kept cheap on purpose, because recharts re-renders synchronously: ticks are given (no text measuring, no "nice"
 * tick search), the tooltip is a small overlay with its own store (hovering does not re-render the chart), and
 * the chart is memoized.
 */
import { memo, useMemo } from 'react';
import { CartesianGrid, ResponsiveContainer, Scatter, ScatterChart, XAxis, YAxis } from 'recharts';
import { createStore, useStore, type StoreApi } from 'zustand';
import { paretoFront } from '../../src/studio/pareto';
import { formatBytes, formatMs, formatPercent } from '../../src/text/wording';
import type { ChartPoint } from './points';
import { plainTick } from './PlainTick';
import { niceAxis } from './ticks';

export interface TradeoffChartProps {
  title: string;
  xLabel: string;
  yLabel: string;
  points: ChartPoint[];
  formatX: (x: number) => string;
  /** Bytes step in KiB or MiB units; plain numbers otherwise. */
  xKind: 'bytes' | 'ms';
  selectedId: string;
  onSelect: (id: string) => void;
}

interface Hover {
  point: ChartPoint;
  x: number;
  y: number;
}

type HoverStore = StoreApi<Hover | null>;

interface ShapeProps {
  cx?: number;
  cy?: number;
  payload?: ChartPoint;
}

function PointShape({ cx, cy, payload, selectedId, onSelect, hover }: ShapeProps & { selectedId: string; onSelect: (id: string) => void; hover: HoverStore }) {
  if (cx === undefined || cy === undefined || !payload) return null;
  const selected = payload.id === selectedId;
  const show = () => hover.setState({ point: payload, x: cx, y: cy }, true);
  const hide = () => hover.setState(null, true);
  const common = {
    className: `point${selected ? ' selected' : ''}${payload.isOriginal ? ' original' : ''}`,
    'data-point': payload.isOriginal ? 'original' : 'variant',
    'data-name': payload.name,
    role: 'button',
    tabIndex: 0,
    'aria-label': `${payload.name}: ${payload.y.toFixed(1)}%, ${payload.summary} (select)`,
    'aria-pressed': selected,
    onClick: () => onSelect(payload.id),
    onMouseEnter: show,
    onMouseLeave: hide,
    onFocus: show,
    onBlur: hide,
    onKeyDown: (e: React.KeyboardEvent) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        onSelect(payload.id);
      }
    },
  };
  if (payload.isOriginal) {
    // A diamond, so the original stands apart without relying on colour.
    const r = selected ? 9 : 8;
    return <path {...common} d={`M${cx},${cy - r}L${cx + r},${cy}L${cx},${cy + r}L${cx - r},${cy}Z`} />;
  }
  return <circle {...common} cx={cx} cy={cy} r={selected ? 7 : 5.5} />;
}

/** The hovered point's recipe and figures, over the chart. */
function HoverTip({ hover, width }: { hover: HoverStore; width: number }) {
  const h = useStore(hover);
  if (!h) return null;
  const m = h.point.entry.measurement;
  // Keep the box inside the chart: flip to the left of the point in the right half.
  const left = h.x > width / 2;
  return (
    <div
      className="chart-tooltip"
      role="tooltip"
      style={{ top: h.y + 8, ...(left ? { right: `calc(100% - ${h.x - 12}px)` } : { left: h.x + 12 }) }}
    >
      <strong>{h.point.name}</strong>
      <span className="muted">{h.point.summary}</span>
      {m?.quality && (
        <span>
          {m.quality.kind === 'accuracy' ? 'Accuracy' : 'Agreement with the original'} {formatPercent(m.quality.value)}
          {m.quality.weakProxy && ' (generated inputs)'}
        </span>
      )}
      {m && (
        <span>
          {formatBytes(m.sizes.totalBytes)} raw · {formatBytes(m.sizes.weightGzipBytes)} weights gzip
        </span>
      )}
      {m?.latency && (
        <span>
          {formatMs(m.latency.medianMs)} median ({formatMs(m.latency.p10Ms)}–{formatMs(m.latency.p90Ms)}), {m.latency.backend}
        </span>
      )}
      {m && <span>{formatPercent(m.sparsity)} zeros in prunable weights</span>}
    </div>
  );
}

/** Memoized: the page re-renders often while a job reports progress, and a chart only changes with its points. */
export const TradeoffChart = memo(function TradeoffChart({ title, xLabel, yLabel, points, formatX, xKind, selectedId, onSelect }: TradeoffChartProps) {
  const hover = useMemo(() => createStore<Hover | null>(() => null), []);
  const front = useMemo(() => paretoFront(points), [points]);
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const xMax = xs.length ? Math.max(...xs) : 1;
  const xAxis = niceAxis(xs.length ? Math.min(...xs) : 0, xMax, {
    floor: 0,
    unit: xKind === 'bytes' ? (xMax >= 1024 * 1024 ? 1024 * 1024 : 1024) : 1,
    pad: 0.1,
  });
  const yAxis = niceAxis(ys.length ? Math.min(...ys) : 0, ys.length ? Math.max(...ys) : 100, { floor: 0, ceil: 100, pad: 0.12 });
  const yDecimals = yAxis.ticks.some((t) => !Number.isInteger(t)) ? 1 : 0;
  const xTick = useMemo(() => plainTick(formatX), [formatX]);
  const yTick = useMemo(() => plainTick((v) => `${v.toFixed(yDecimals)}%`), [yDecimals]);
  const shape = (props: unknown) => <PointShape {...(props as ShapeProps)} selectedId={selectedId} onSelect={onSelect} hover={hover} />;
  const summary =
    points.length === 0
      ? `${title}: nothing measured yet.`
      : `${title}: ${points.length} point${points.length === 1 ? '' : 's'}; on the Pareto front: ${front.map((p) => p.name).join(', ')}.`;

  return (
    <figure className="chart" role="group" aria-label={title}>
      <figcaption className="chart-title">{title}</figcaption>
      <div className="chart-body" role="img" aria-label={summary} data-testid="tradeoff-chart" data-points={points.length}>
        {/* The chart stays mounted while empty: a first measurement is then an update, cheaper than a mount. */}
        {points.length === 0 && <p className="chart-empty muted">Apply a recipe or press Measure: measured results appear here.</p>}
        {
          <>
            <ResponsiveContainer width="100%" height={240}>
              <ScatterChart margin={{ top: 12, right: 30, bottom: 4, left: 0 }} accessibilityLayer={false}>
                <CartesianGrid strokeDasharray="3 3" horizontalValues={yAxis.ticks} verticalValues={xAxis.ticks} />
                <XAxis niceTicks="none"
                  type="number"
                  dataKey="x"
                  domain={xAxis.domain}
                  ticks={xAxis.ticks}
                  tick={xTick}
                  // A number: recharts then shows the given ticks without measuring text in the page.
                  interval={0}
                />
                <YAxis niceTicks="none" type="number" dataKey="y" domain={yAxis.domain} ticks={yAxis.ticks} tick={yTick} interval={0} width={48} />
                <Scatter
                  name="Pareto front"
                  data={front}
                  line={{ className: 'front-line' }}
                  lineType="joint"
                  shape={() => <g />}
                  isAnimationActive={false}
                  legendType="none"
                />
                <Scatter name="Variants" data={points} shape={shape} isAnimationActive={false} />
              </ScatterChart>
            </ResponsiveContainer>
            <HoverTip hover={hover} width={400} />
          </>
        }
      </div>
      {/* Axis titles in HTML: recharts' SVG labels measure their text in the page on every render. */}
      {points.length > 0 && (
        <div className="axis-titles" aria-hidden="true">
          <span>↑ {yLabel}</span>
          <span>{xLabel} →</span>
        </div>
      )}
    </figure>
  );
});

/** Tick formatters for the axes. */
export const axisFormat = {
  bytes: (x: number) => (x <= 0 ? '0' : formatBytes(Math.round(x)).replace('.0 ', ' ')),
  ms: (x: number) => (x <= 0 ? '0' : `${Number(x.toPrecision(3))} ms`),
};
