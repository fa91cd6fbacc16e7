/**
 * A tensor's weight histogram before and after a recipe, over the same bins: the pruned spike at zero and the
 * quantization levels show: the original as a stepped outline, the variant as bars. Counts are drawn on a
 * square-root scale so the spike does not flatten the rest.
 */
import { Area, Bar, CartesianGrid, ComposedChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { memo } from 'react';
import type { TensorHistogram } from '../../src/worker/api';
import { formatCount } from '../../src/text/wording';
import { plainTick } from './PlainTick';

const countTick = plainTick((v) => formatCount(v));

const valueTick = plainTick((v) => tick(v));

/** Ticks for a square-root count axis up to `top`: 0, then round counts spread evenly in square-root space. */
export function sqrtTicks(top: number): number[] {
  const ticks = [0];
  for (const f of [0.0625, 0.25, 0.5625, 1]) {
    const v = top * f;
    const p = 10 ** Math.max(0, Math.floor(Math.log10(v)));
    const rounded = Math.ceil(v / p) * p;
    if (rounded > ticks[ticks.length - 1]) ticks.push(rounded);
  }
  return ticks;
}

function tick(v: number): string {
  const a = Math.abs(v);
  return a !== 0 && (a < 0.01 || a >= 1000) ? v.toExponential(1) : v.toFixed(a < 0.1 ? 3 : 2);
}

export const WeightHistogram = memo(function WeightHistogram({ histogram, afterLabel }: { histogram: TensorHistogram; afterLabel: string | null }) {
  const rows = histogram.before.map((count, i) => ({
    x: histogram.min + (i + 0.5) * histogram.width,
    before: count,
    after: histogram.after ? histogram.after[i] : undefined,
  }));
  // Explicit ticks: recharts' own "nice" tick search is slow (arbitrary-precision arithmetic) on every render.
  const top = Math.max(1, ...histogram.before, ...(histogram.after ?? []));
  const yTicks = sqrtTicks(top);
  const summary =
    `Histogram of ${histogram.name}: ${formatCount(histogram.count)} values from ${tick(histogram.min)} to ${tick(histogram.max)}; ` +
    `${formatCount(histogram.zerosBefore)} zeros before` +
    (histogram.zerosAfter !== null ? `, ${formatCount(histogram.zerosAfter)} after (${afterLabel}).` : '.');
  return (
    <div className="chart-body" role="img" aria-label={summary} data-testid="weight-histogram">
      <ResponsiveContainer width="100%" height={220}>
        {/* No accessibility layer: it makes the svg a nameless tab stop; the summary above names the chart. */}
        <ComposedChart data={rows} barGap={0} barCategoryGap={1} margin={{ top: 8, right: 12, bottom: 8, left: 4 }} accessibilityLayer={false}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} horizontalValues={yTicks} />
          <XAxis niceTicks="none" dataKey="x" tick={valueTick} interval={Math.max(0, Math.ceil(rows.length / 8) - 1)} />
          <YAxis niceTicks="none" scale="sqrt" domain={[0, yTicks[yTicks.length - 1]]} ticks={yTicks} tick={countTick} width={62} interval={0} />
          <Tooltip
            isAnimationActive={false}
            labelFormatter={(x) => `around ${tick(Number(x))}`}
            formatter={(v, name) => [formatCount(Number(v)), name === 'before' ? 'Original' : (afterLabel ?? 'After')]}
          />
          <Area dataKey="before" name="before" type="step" className="area-before" isAnimationActive={false} />
          {histogram.after && <Bar dataKey="after" name="after" className="bar-after" isAnimationActive={false} />}
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
});
