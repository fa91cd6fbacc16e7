/**
 * One trade-off chart: quality (accuracy, or cosine, relative error or agreement with the original) against size or latency, one point per measured variant,
 * the original marked, the Pareto front drawn. Points are buttons: clicking one (or Enter on it) selects that
 * variant; hovering or focusing one shows its recipe and figures. Only measured values are plotted.
 *
 * Kept cheap on purpose, because recharts re-renders synchronously: ticks are given (no text measuring, no "nice"
 * tick search), the tooltip is a small overlay with its own store (hovering does not re-render the chart), and
 * the chart is memoized.
 */
import { memo, useEffect, useMemo, useRef } from 'react';
import { CartesianGrid, ResponsiveContainer, Scatter, ScatterChart, XAxis, YAxis } from 'recharts';
import { createStore, useStore, type StoreApi } from 'zustand';
import { paretoFront } from '../../src/studio/pareto';
import { byteUnitFor, formatBytes, formatCosine, formatMs, formatPercent, formatRelativeError } from '../../src/text/wording';
import type { ChartPoint } from './points';
import { tickDecimals, type QualityMetric } from './quality-metrics';
import { plainTick } from './PlainTick';
import { niceAxis } from './ticks';

export interface TradeoffChartProps {
  title: string;
  xLabel: string;
  yLabel: string;
  /** What y is: its bounds, ticks, and whether larger is better (the Pareto front depends on it). */
  metric: QualityMetric;
  points: ChartPoint[];
  formatX: (x: number) => string;
  /** Bytes step in KiB or MiB units; plain numbers otherwise. */
  xKind: 'bytes' | 'ms';
  selectedId: string;
  onSelect: (id: string) => void;
}

/**
 * The hovered or focused point, by id and where it was drawn. Only the id is kept: the tooltip reads the point
 * from the chart's current points, so a rename or a new measurement never shows stale names or figures.
 */
interface Hover {
  id: string;
  x: number;
  y: number;
  /** The chart's width when it was shown, to keep the box inside it. */
  width: number;
}

type HoverStore = StoreApi<Hover | null>;

interface ShapeProps {
  cx?: number;
  cy?: number;
  payload?: ChartPoint;
}

function PointShape({ cx, cy, payload, selectedId, onSelect, hover, metric }: ShapeProps & { selectedId: string; onSelect: (id: string) => void; hover: HoverStore; metric: QualityMetric }) {
  if (cx === undefined || cy === undefined || !payload) return null;
  const selected = payload.id === selectedId;
  const show = (e: React.SyntheticEvent<SVGElement>) =>
    hover.setState({ id: payload.id, x: cx, y: cy, width: e.currentTarget.ownerSVGElement?.clientWidth ?? 400 }, true);
  const hide = () => hover.setState(null, true);
  const common = {
    className: `point${selected ? ' selected' : ''}${payload.isOriginal ? ' original' : ''}`,
    'data-point': payload.isOriginal ? 'original' : 'variant',
    'data-name': payload.name,
    role: 'button',
    tabIndex: 0,
    'aria-label': `${payload.name}: ${metric.format(payload.y)}, ${payload.summary} (select)`,
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
      if (e.key === 'Escape') hide();
    },
  };
  if (payload.isOriginal) {
    // A diamond, so the original stands apart without relying on colour.
    const r = selected ? 9 : 8;
    return <path {...common} d={`M${cx},${cy - r}L${cx + r},${cy}L${cx},${cy + r}L${cx - r},${cy}Z`} />;
  }
  return <circle {...common} cx={cx} cy={cy} r={selected ? 7 : 5.5} />;
}

/** The hovered point's recipe and figures, over the chart, read from the current points. */
function HoverTip({ hover, points }: { hover: HoverStore; points: ChartPoint[] }) {
  const h = useStore(hover);
  const point = h ? points.find((p) => p.id === h.id) : undefined;
  if (!h || !point) return null;
  const m = point.entry.measurement;
  const q = m?.quality;
  // Keep the box inside the chart: flip to the left of the point in the right half.
  const left = h.x > h.width / 2;
  return (
    <div
      className="chart-tooltip"
      role="tooltip"
      style={{ top: h.y + 8, ...(left ? { right: `calc(100% - ${h.x - 12}px)` } : { left: h.x + 12 }) }}
    >
      <strong>{point.name}</strong>
      <span className="muted">{point.summary}</span>
      {q?.kind === 'accuracy' && <span>Accuracy {formatPercent(q.value)}</span>}
      {q?.kind === 'fidelity' && (
        <span>
          Against the original{q.weakProxy && ' (generated inputs)'}: cosine {q.cosine === null ? '—' : formatCosine(q.cosine)} · relative error{' '}
          {q.relativeError === null ? '—' : formatRelativeError(q.relativeError)} · {formatPercent(q.value)} agree
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
export const TradeoffChart = memo(function TradeoffChart({ title, xLabel, yLabel, metric, points, formatX, xKind, selectedId, onSelect }: TradeoffChartProps) {
  const hover = useMemo(() => createStore<Hover | null>(() => null), []);
  const body = useRef<HTMLDivElement>(null);
  // A point can vanish or be redrawn under the pointer or the focus without a leave or blur event: hide the tip
  // once focus and pointer are both elsewhere, checked whenever the points change.
  useEffect(() => {
    const el = body.current;
    if (el && !el.contains(document.activeElement) && !el.matches(':hover')) hover.setState(null, true);
  }, [points, hover]);
  // The front is computed with y turned so that larger is better, whatever the metric.
  const front = useMemo(() => {
    if (metric.higherIsBetter) return paretoFront(points);
    const byId = new Map(points.map((p) => [p.id, p]));
    return paretoFront(points.map((p) => ({ id: p.id, x: p.x, y: -p.y }))).map((p) => byId.get(p.id)!);
  }, [points, metric]);
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const xMax = xs.length ? Math.max(...xs) : 1;
  const xAxis = niceAxis(xs.length ? Math.min(...xs) : 0, xMax, {
    floor: 0,
    unit: xKind === 'bytes' ? byteUnitFor(xMax) : 1,
    pad: 0.1,
  });
  const yAxis = niceAxis(ys.length ? Math.min(...ys) : metric.floor, ys.length ? Math.max(...ys) : (metric.ceil ?? 1), {
    floor: metric.floor,
    ceil: metric.ceil,
    pad: 0.12,
  });
  const yDecimals = tickDecimals(yAxis.ticks);
  const yText = (v: number) => metric.tick(v, yDecimals);
  const yTick = useMemo(() => plainTick((v) => metric.tick(v, yDecimals)), [metric, yDecimals]);
  // Wide enough for the longest label: a fixed width cut "89.0%" to read "39.0%". Up to 9 px a character at the
  // axis's 12 px ('%' is the widest), plus the tick line (6 px), its gap (4 px) and a margin, measured in Chromium.
  const yWidth = 16 + 9 * Math.max(...yAxis.ticks.map((t) => yText(t).length));
  const xTick = useMemo(() => plainTick(formatX), [formatX]);
  const shape = (props: unknown) => <PointShape {...(props as ShapeProps)} selectedId={selectedId} onSelect={onSelect} hover={hover} metric={metric} />;
  const summary =
    points.length === 0
      ? `${title}: nothing measured yet.`
      : `${title}: ${points.length} point${points.length === 1 ? '' : 's'}; on the Pareto front: ${front.map((p) => p.name).join(', ')}.`;

  return (
    <figure className="chart" role="group" aria-label={title}>
      <figcaption className="chart-title">{title}</figcaption>
      <div
        ref={body}
        className="chart-body"
        // A group, not an img: an img's children are hidden from assistive technology, and the points are buttons.
        role="group"
        aria-label={summary}
        data-testid="tradeoff-chart"
        data-points={points.length}
        onPointerLeave={() => hover.setState(null, true)}
      >
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
                <YAxis niceTicks="none" type="number" dataKey="y" domain={yAxis.domain} ticks={yAxis.ticks} tick={yTick} interval={0} width={yWidth} />
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
            <HoverTip hover={hover} points={points} />
          </>
        }
      </div>
      {/* Axis titles in HTML: recharts' SVG labels measure their text in the page on every render. */}
      {points.length > 0 && (
        <div className="axis-titles" aria-hidden="true">
          <span>
            {metric.higherIsBetter ? '↑' : '↓'} {yLabel}
            {metric.higherIsBetter ? '' : ' (lower is better)'}
          </span>
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
