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
    return (
      <text
        className="recharts-cartesian-axis-tick-value"
        x={vertical ? x - 4 : x}
        y={vertical ? y : y + 4}
        dy={vertical ? '0.32em' : '0.71em'}
        textAnchor={vertical ? 'end' : 'middle'}
      >
        {text}
      </text>
    );
  };
}
