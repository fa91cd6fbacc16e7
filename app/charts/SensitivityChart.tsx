/**
 * Per-layer sensitivity curves: what each layer alone costs as it is pruned further, the most sensitive layers
 * drawn. Ticks are given and animation is off, so an update (a row streamed in) stays a short task.
 */
import { memo, useMemo } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, XAxis, YAxis } from 'recharts';
import type { SensitivityRow } from '../../src/worker/api';
import { plainTick } from './PlainTick';
import { sensitivityLines } from './sensitivity-lines';
import { niceAxis } from './ticks';

const COLORS = ['#0f766e', '#b45309', '#7c3aed', '#be123c', '#2563eb', '#4d7c0f', '#a21caf', '#475569'];

function SensitivityChartImpl({ rows, original }: { rows: readonly SensitivityRow[]; original: number | null }) {
  const lines = useMemo(() => sensitivityLines(rows, original), [rows, original]);
  const ys = lines.flatMap((l) => l.points.map((p) => p.y));
  const yAxis = niceAxis(Math.min(0, ...ys), Math.max(1, ...ys), { pad: 0.05 });
  const xTicks = [0, 25, 50, 75, 100];
  const unit = original !== null ? 'accuracy points lost' : 'cosine lost (x 100)';
  return (
    <figure className="chart sensitivity-chart" data-testid="sensitivity-chart" aria-label={`Sensitivity: ${unit} against sparsity, ${lines.length} layers`}>
      <ResponsiveContainer width="100%" height={240}>
        <LineChart margin={{ top: 12, right: 24, bottom: 4, left: 0 }} accessibilityLayer={false}>
          <CartesianGrid strokeDasharray="3 3" horizontalValues={yAxis.ticks} verticalValues={xTicks} />
          <XAxis niceTicks="none" type="number" dataKey="x" domain={[0, 100]} ticks={xTicks} tick={plainTick((x) => `${x}%`)} interval={0} allowDuplicatedCategory={false} />
          <YAxis niceTicks="none" type="number" domain={yAxis.domain} ticks={yAxis.ticks} tick={plainTick((y) => `${Number(y.toFixed(1))}`)} interval={0} width={44} />
          {lines.map((l, i) => (
            <Line key={l.tensor} data={l.points} dataKey="y" name={l.tensor} stroke={COLORS[i % COLORS.length]} dot={{ r: 2.5 }} isAnimationActive={false} />
          ))}
          <Legend verticalAlign="bottom" height={36} iconSize={10} />
        </LineChart>
      </ResponsiveContainer>
      <figcaption className="muted small-print">
        Each layer pruned alone by magnitude: {unit}. The {lines.length} most sensitive layers are drawn.
      </figcaption>
    </figure>
  );
}

export const SensitivityChart = memo(SensitivityChartImpl);
