/**
 * The Results panel: measure settings and the Measure action, the two trade-off charts (quality against size and
 * against latency), and the variants table with deltas against the original.
 */
import { useDeferredValue, useMemo, useState } from 'react';
import type { MeasureBackend } from '../../src/worker/api';
import { axisFormat, TradeoffChart } from '../charts/TradeoffChart';
import { tradeoffPoints, type XAxisKind } from '../charts/points';
import { metricsFor, type QualityMetricId } from '../charts/quality-metrics';
import { useStaggered } from '../charts/use-staggered';
import { measureAll, selectVariant, setLatencyRuns, setMeasureBackend } from '../state/actions';
import { currentDataKey, isMeasuredNow } from '../state/selectors';
import { useStudio } from '../state/use-studio';
import { formatCount } from '../../src/text/wording';
import { JobError, JobStatus } from './JobStatus';
import { VariantsTable } from './VariantsTable';

export function ResultsPanel() {
  const model = useStudio((s) => s.model);
  // Charts re-render as a deferred, interruptible update: a measurement arriving from the worker must not turn
  // into one long task on the main thread.
  const variants = useDeferredValue(useStudio((s) => s.variants));
  const dataKey = useDeferredValue(useStudio(currentDataKey));
  const data = useStudio((s) => s.data);
  const selectedId = useDeferredValue(useStudio((s) => s.selectedId));
  const settings = useStudio((s) => s.measureSettings);
  const runtime = useStudio((s) => s.runtime);
  const busy = useStudio((s) => s.job !== null);
  const [sizeAxis, setSizeAxis] = useState<Extract<XAxisKind, 'size-gzip' | 'size-raw'>>('size-gzip');
  const [metricPick, setMetricPick] = useState<QualityMetricId | null>(null);
  const bySize = useMemo(() => tradeoffPoints(variants, dataKey, sizeAxis, metricPick), [variants, dataKey, sizeAxis, metricPick]);
  const byLatency = useStaggered(useMemo(() => tradeoffPoints(variants, dataKey, 'latency', metricPick), [variants, dataKey, metricPick]));
  const latencySelectedId = useStaggered(selectedId);
  if (!model) return null;

  const backends = (runtime?.backends ?? []).filter((b) => b.available).map((b) => b.name);
  const metric = bySize.metric;
  const qualityName = metric.label;
  const metricChoices = metricsFor(bySize.quality);
  const stale = variants.filter((v) => v.measurement !== null && !isMeasuredNow(v, dataKey)).length;

  return (
    <section className="panel results" aria-labelledby="results-title">
      <div className="panel-head">
        <h2 id="results-title" className="panel-title">
          Results
        </h2>
        <div className="toolbar">
          <label className="inline-control">
            <span>Backend</span>
            <select
              className="input small"
              value={settings.backend}
              onChange={(e) => setMeasureBackend(e.target.value as MeasureBackend)}
            >
              {(backends.length ? backends : ['wasm', 'cpu']).map((b) => (
                <option key={b} value={b}>
                  {b}
                </option>
              ))}
            </select>
          </label>
          <label className="inline-control">
            <span>Latency runs</span>
            <input
              type="number"
              className="input small narrow"
              min={0}
              max={500}
              value={settings.latencyRuns}
              onChange={(e) => setLatencyRuns(Number(e.target.value))}
            />
          </label>
          {/* aria-disabled keeps the focus on the button while the job runs (see Apply). */}
          <button type="button" className="button" aria-disabled={busy} onClick={() => !busy && void measureAll()}>
            Measure
          </button>
        </div>
      </div>
      <JobStatus kinds={['measure']} />
      <JobError kinds={['measure']} fallback="Measuring failed" />
      <p className="small-print muted">
        {data?.summary.labelled
          ? `Accuracy on ${data.source.label} (${formatCount(data.summary.size)} samples).`
          : bySize.weakProxy
            ? 'No labelled data: variants are compared with the original on generated inputs, a weak proxy. Drop data in the Data panel for accuracy.'
            : 'Measure runs the original and every variant on the data and backend chosen here.'}{' '}
        Latency is the median of {settings.latencyRuns} timed runs at batch 1 on {settings.backend}, on this machine.
        {stale > 0 && ` ${stale} measured on other data: press Measure to bring them up to date.`}
      </p>

      {metricChoices.length > 1 && (
        <div className="metric-switch" role="radiogroup" aria-label="Quality on the y axis">
          <span className="muted">Compare with the original by</span>
          {metricChoices.map((m) => (
            <label key={m.id} className="switch-option">
              <input type="radio" name="quality-metric" checked={metric.id === m.id} onChange={() => setMetricPick(m.id)} />
              {m.short}
            </label>
          ))}
        </div>
      )}
      <div className="charts">
        <div className="chart-cell">
          <div className="chart-switch" role="radiogroup" aria-label="Size on the x axis">
            {(['size-gzip', 'size-raw'] as const).map((axis) => (
              <label key={axis} className="switch-option">
                <input type="radio" name="size-axis" checked={sizeAxis === axis} onChange={() => setSizeAxis(axis)} />
                {axis === 'size-gzip' ? 'gzip' : 'raw'}
              </label>
            ))}
          </div>
          <TradeoffChart
            title={`${qualityName} vs size`}
            xLabel={sizeAxis === 'size-gzip' ? 'model.json + weights gzip' : 'model.json + weights'}
            yLabel={qualityName}
            metric={metric}
            points={bySize.points}
            formatX={axisFormat.bytes}
            xKind="bytes"
            selectedId={selectedId}
            onSelect={selectVariant}
          />
        </div>
        <div className="chart-cell">
          <TradeoffChart
            title={`${qualityName} vs latency`}
            xLabel={`median latency, ${settings.backend}`}
            yLabel={qualityName}
            metric={byLatency.metric}
            points={byLatency.points}
            formatX={axisFormat.ms}
            xKind="ms"
            selectedId={latencySelectedId}
            onSelect={selectVariant}
          />
        </div>
      </div>
      <p className="legend small-print">
        <span className="legend-mark original" aria-hidden="true" /> original
        <span className="legend-mark variant" aria-hidden="true" /> variant
        <span className="legend-mark selected" aria-hidden="true" /> selected
        <span className="legend-line" aria-hidden="true" /> Pareto front (nothing else is both smaller and better)
      </p>

      <VariantsTable />
    </section>
  );
}
