/**
 * Round axis bounds and ticks for the charts: steps of 1, 2, 2.5 or 5 times a power of ten (in the axis unit),
 * so a size axis reads 0, 250, 500 KiB rather than 0, 293.0, 585.9 KiB.
 */

/** The nice step for splitting `span` into about `count` parts. */
export function niceStep(span: number, count: number): number {
  if (!(span > 0) || !(count > 0)) return 1;
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * power >= raw) return m * power;
  return 10 * power;
}

export interface NiceAxis {
  domain: [number, number];
  ticks: number[];
}

/**
 * Bounds that hold [lo, hi] with a little room, rounded out to whole steps, and the ticks between them. `unit`
 * scales the steps (1024 for KiB); `floor` and `ceil` clamp the bounds (0 for sizes, 100 for percentages).
 *
 * @example niceAxis(170_000, 990_000, { unit: 1024, floor: 0 }) // domain [0, 1_024_000], ticks every 256,000
 */
export function niceAxis(lo: number, hi: number, options: { count?: number; unit?: number; floor?: number; ceil?: number; pad?: number } = {}): NiceAxis {
  const { count = 4, unit = 1, pad = 0.08 } = options;
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return { domain: [0, 1], ticks: [0, 1] };
  let span = hi - lo;
  if (span <= 0) span = Math.abs(hi) || 1;
  let a = lo - span * pad;
  let b = hi + span * pad;
  if (options.floor !== undefined) a = Math.max(options.floor, a);
  if (options.ceil !== undefined) b = Math.min(options.ceil, b);
  const step = niceStep((b - a) / unit, count) * unit;
  a = Math.floor(a / step) * step;
  b = Math.ceil(b / step) * step;
  if (options.floor !== undefined) a = Math.max(options.floor, a);
  if (options.ceil !== undefined) b = Math.min(options.ceil, b);
  const ticks: number[] = [];
  for (let t = a; t <= b + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return { domain: [a, b], ticks };
}
