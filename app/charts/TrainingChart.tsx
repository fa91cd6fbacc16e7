/**
 * Training curves: training and validation loss (left axis) and validation accuracy (right axis, percent)
 * against epoch, with the epoch under way drawn as it trains and the best checkpoint marked. Ticks are given and
 * animation is off, and the legend and the best-epoch mark are plain HTML and an unlabelled line (recharts measures
 * the text of its own legends and labels in the page, a forced layout per render), so an update stays a short task.
 *
 * Props: `epochs`, the epoch records streamed so far (TrainProgress of kind 'epoch', in any order); `live`, the
 * epoch under way (from the latest batch report: epoch - 1 + batch / batches, its running loss), or null.
 */
import { memo, useMemo } from 'react';
import { CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, XAxis, YAxis } from 'recharts';
import type { EpochRecord } from '../../src/train/types';
import { plainTick } from './PlainTick';
import { niceAxis } from './ticks';
import { bestEpochOf, trainingPoints, type LiveTrainingPoint } from './training-lines';

export type { LiveTrainingPoint } from './training-lines';

export interface TrainingChartProps {
  epochs: readonly EpochRecord[];
  live: LiveTrainingPoint | null;
  /** Epochs the run will train, so the axis does not jump as it goes (default: what has been seen). */
  totalEpochs?: number;
}

function TrainingChartImpl({ epochs, live, totalEpochs }: TrainingChartProps) {
  const points = useMemo(() => trainingPoints(epochs, live), [epochs, live]);
  const best = bestEpochOf(epochs);
  const losses = points.flatMap((p) => [p.loss, p.validationLoss]).filter((v): v is number => v !== null && Number.isFinite(v));
  const lossAxis = niceAxis(0, Math.max(0.1, ...losses), { floor: 0, pad: 0.05 });
  const accuracies = points.map((p) => p.validationAccuracy).filter((v): v is number => v !== null);
  const accuracyAxis = niceAxis(Math.min(...accuracies, 100), Math.max(...accuracies, 0), { floor: 0, ceil: 100, pad: 0.1 });
  const lastX = Math.max(1, totalEpochs ?? 0, ...points.map((p) => Math.ceil(p.x)));
  const xTicks = Array.from({ length: lastX + 1 }, (_, i) => i).filter((x) => lastX <= 10 || x % Math.ceil(lastX / 10) === 0);
  // The accuracy axis is there from the start: mounting it with the first epoch would cost that update more.
  const hasAccuracy = accuracies.length > 0 || epochs.length === 0;
  return (
    <figure className="chart training-chart" data-testid="training-chart" aria-label={`Training curves: ${epochs.length} epoch${epochs.length === 1 ? '' : 's'} finished${best !== null ? `, best checkpoint at epoch ${best}` : ''}`}>
      <ResponsiveContainer width="100%" height={220}>
        <LineChart data={points} margin={{ top: 12, right: hasAccuracy ? 4 : 24, bottom: 4, left: 0 }} accessibilityLayer={false}>
          <CartesianGrid strokeDasharray="3 3" horizontalValues={lossAxis.ticks} verticalValues={xTicks} />
          <XAxis niceTicks="none" type="number" dataKey="x" domain={[0, lastX]} ticks={xTicks} tick={plainTick((x) => `${x}`)} interval={0} />
          <YAxis yAxisId="loss" niceTicks="none" type="number" domain={lossAxis.domain} ticks={lossAxis.ticks} tick={plainTick((y) => `${Number(y.toPrecision(3))}`)} interval={0} width={44} />
          {hasAccuracy && (
            <YAxis yAxisId="accuracy" orientation="right" niceTicks="none" type="number" domain={accuracyAxis.domain} ticks={accuracyAxis.ticks} tick={plainTick((y) => `${Number(y.toFixed(1))}%`)} interval={0} width={52} />
          )}
          {best !== null && <ReferenceLine yAxisId="loss" x={best} stroke="#b45309" strokeDasharray="4 3" />}
          <Line yAxisId="loss" dataKey="loss" name="training loss" stroke="#0f766e" dot={{ r: 2.5 }} isAnimationActive={false} connectNulls />
          <Line yAxisId="loss" dataKey="validationLoss" name="validation loss" stroke="#7c3aed" strokeDasharray="5 3" dot={{ r: 2.5 }} isAnimationActive={false} connectNulls />
          {hasAccuracy && <Line yAxisId="accuracy" dataKey="validationAccuracy" name="validation accuracy" stroke="#2563eb" dot={{ r: 3 }} isAnimationActive={false} connectNulls />}
        </LineChart>
      </ResponsiveContainer>
      <figcaption className="muted small-print chart-legend">
        <span style={{ color: '#0f766e' }}>━ training loss</span> <span style={{ color: '#7c3aed' }}>┅ validation loss</span> (left)
        {hasAccuracy && <> · <span style={{ color: '#2563eb' }}>━ validation accuracy</span> (right)</>}
        {best !== null && <> · <span style={{ color: '#b45309' }}>┆ best epoch ({best})</span></>} · by epoch; the line past the last dot is the epoch
        under way.
      </figcaption>
    </figure>
  );
}

export const TrainingChart = memo(TrainingChartImpl);
