/**
 * How Pare words numbers, for the page and the CLI alike: counts with thousands separators, sizes in binary
 * units (1 KiB = 1,024 bytes, as file managers and DevTools count them, labelled so nobody reads them as
 * decimal kB), percentages, shapes and the stored form of a weight. Framework-free, so both sides print the same
 * words for the same thing.
 */

// Formatters are built once: toLocaleString with options builds a new one on every call, which is slow enough to
// matter when a chart formats its ticks on every render.
const counts = new Intl.NumberFormat('en-US');
const oneDecimal = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** 2619461 -> "2,619,461". */
export function formatCount(n: number): string {
  return counts.format(n);
}

/** "1 recipe" / "17 recipes" / "2 classes" (with `many`). */
export function formatPlural(n: number, word: string, many = word + 's'): string {
  return `${formatCount(n)} ${n === 1 ? word : many}`;
}

const BINARY_UNITS = ['KiB', 'MiB', 'GiB'] as const;

/** 812 -> "812 B", 12_595 -> "12.3 KiB", 2_619_461 -> "2.5 MiB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${formatCount(bytes)} B`;
  let value = bytes / 1024;
  let unit = 0;
  // Move up a unit once the value would print as 1,024.0 or more.
  while (value >= 1023.95 && unit < BINARY_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${oneDecimal.format(value)} ${BINARY_UNITS[unit]}`;
}

/** "2,619,461 bytes", for tooltips and reports next to formatBytes. */
export function formatExactBytes(bytes: number): string {
  return `${formatCount(bytes)} byte${bytes === 1 ? '' : 's'}`;
}

/** The unit a size axis steps in: 1 MiB from a megabyte up, else 1 KiB. */
export function byteUnitFor(bytes: number): number {
  return bytes >= 1024 * 1024 ? 1024 * 1024 : 1024;
}

/**
 * [3, 3, 32, 64] -> "3 × 3 × 32 × 64"; unknown dimensions (null or -1) print as "?"; [] -> "scalar", unless the
 * reader could not tell the shape at all (`unknown`), which is not the same as a scalar.
 */
export function formatShape(shape: readonly (number | null)[], unknown = false): string {
  if (unknown) return 'shape unknown';
  if (shape.length === 0) return 'scalar';
  return shape.map((d) => (d === null || d < 0 ? '?' : formatCount(d))).join(' × ');
}

/** 0.4567 -> "45.7%"; `decimals` for reports that need more (0.98765, 2 -> "98.77%"). */
export function formatPercent(fraction: number, decimals = 1): string {
  if (decimals === 1) return `${oneDecimal.format(fraction * 100)}%`;
  return `${(fraction * 100).toFixed(decimals)}%`;
}

/** A target as a recipe states it, to two decimals without trailing zeros: 0.5 -> "50%", 0.125 -> "12.5%". */
export function formatTarget(fraction: number): string {
  return `${Number((fraction * 100).toFixed(2))}%`;
}

/** Whole percent for slider read-outs: 0.5 -> "50%". */
export function formatWholePercent(fraction: number): string {
  return `${Math.round(fraction * 100)}%`;
}

/** Percentage points with their sign: -0.2 -> "−0.2 pt", 1.25 -> "+1.3 pt", 0 -> "±0.0 pt". */
export function formatPoints(points: number): string {
  const text = Math.abs(points).toFixed(1);
  if (text === '0.0') return '±0.0 pt';
  return `${points < 0 ? '−' : '+'}${text} pt`;
}

/** A ratio as a change: 0.25 -> "−75%", 1.05 -> "+5%", 1 -> "±0%". */
export function formatChange(ratio: number): string {
  const pct = Math.round((ratio - 1) * 100);
  if (pct === 0) return '±0%';
  return `${pct < 0 ? '−' : '+'}${Math.abs(pct)}%`;
}

/** 0.4 -> "0.40 ms", 12.34 -> "12.3 ms", 1234 -> "1,234 ms". */
export function formatMs(ms: number): string {
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  return `${formatCount(Math.round(ms))} ms`;
}

/** A duration left: 800 -> "under a second", 12_400 -> "12 s", 150_000 -> "2 min 30 s". */
export function formatEta(ms: number): string {
  if (ms < 1000) return 'under a second';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}

/** Cosine similarity to three decimals, never rounded up to a perfect 1: 0.99996 -> "0.9999…" reads "> 0.999". */
export function formatCosine(cosine: number): string {
  if (!Number.isFinite(cosine)) return String(cosine);
  // 0.9996 would round to "1.000" and read as identical outputs; say how close it is instead.
  if (cosine < 1 && cosine >= 0.9995) return '> 0.999';
  return cosine.toFixed(3);
}

/** A relative error ||y' − y|| / ||y|| as a percentage with two significant digits: 0.0123 -> "1.2%". */
export function formatRelativeError(error: number): string {
  if (!Number.isFinite(error)) return String(error);
  if (error === 0) return '0%';
  const pct = error * 100;
  if (pct < 0.01) return '< 0.01%';
  return `${Number(pct.toPrecision(2))}%`;
}

/** A weight's storage as the stored form's dtype and, for low-bit codes, their bits. */
export interface StoredForm {
  dtype: string;
  bits?: number;
}

/**
 * The stored form of a weight: "float32", "float16", "uint8", "uint16", or "uint8 (4-bit)" for low-bit codes
 * kept in uint8 (a full 8 or 16 bits is just the dtype).
 */
export function formatStored(s: StoredForm): string {
  const full = s.dtype === 'uint8' ? 8 : s.dtype === 'uint16' ? 16 : undefined;
  return s.bits !== undefined && full !== undefined && s.bits < full ? `${s.dtype} (${s.bits}-bit)` : s.dtype;
}
