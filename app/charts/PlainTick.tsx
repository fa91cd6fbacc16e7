/**
 * Axis ticks as plain SVG text. Recharts' own tick element measures its text in the page (a forced layout per
 * tick, per render) to wrap it, which turned chart updates into long tasks on the main thread; these labels are
 * short and never wrap.
 */
import type { ReactNode } from 'react';

interface TickProps {
  x?: number;
  y?: number;
  payload?: { value: number | string; index?: number };
  orientation?: 'top' | 'bottom' | 'left' | 'right';
}

/** A tick renderer for XAxis/YAxis `tick` that prints `format(value)`. */
export function plainTick(format: (value: number) => string): (props: object) => ReactNode {
  return function PlainTick(props: object) {
    const { x = 0, y = 0, payload, orientation } = props as TickProps;
    if (!payload) return <g />;
    const text = format(Number(payload.value));
    const vertical = orientation === 'left' || orientation === 'right';
    // A right-hand axis writes its labels to the right of the axis line, away from the plot.
    const right = orientation === 'right';
    return (
      <text
        className="recharts-cartesian-axis-tick-value"
        x={vertical ? (right ? x + 4 : x - 4) : x}
        y={vertical ? y : y + 4}
        dy={vertical ? '0.32em' : '0.71em'}
        textAnchor={vertical ? (right ? 'start' : 'end') : 'middle'}
      >
        {text}
      </text>
    );
  };
}
