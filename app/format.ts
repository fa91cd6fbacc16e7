/**
 * Number formatting for the studio: counts with thousands separators, sizes in B/KB/MB with one decimal.
 * Sizes use 1 KB = 1,024 bytes, as file managers and DevTools do; the exact byte count goes in a tooltip.
 */

// Formatters are built once: toLocaleString with options builds a new one on every call, which is slow enough to
// matter when a chart formats its ticks on every render.
const counts = new Intl.NumberFormat('en-US');
const oneDecimal = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** 2619461 -> "2,619,461". */
export function formatCount(n: number): string {
  return counts.format(n);
}

/** 812 -> "812 B", 12_595 -> "12.3 KB", 2_619_461 -> "2.5 MB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${formatCount(bytes)} B`;
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  // Move up a unit once the value would print as 1,024.0 or more.
  while (value >= 1023.95 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${oneDecimal.format(value)} ${units[unit]}`;
}

/** "2,619,461 bytes", for tooltips next to formatBytes. */
export function formatExactBytes(bytes: number): string {
  return `${formatCount(bytes)} byte${bytes === 1 ? '' : 's'}`;
}

/** [3, 3, 32, 64] -> "3 × 3 × 32 × 64"; unknown dimensions (null or -1) print as "?"; [] -> "scalar". */
export function formatShape(shape: readonly (number | null)[]): string {
  if (shape.length === 0) return 'scalar';
  return shape.map((d) => (d === null || d < 0 ? '?' : formatCount(d))).join(' × ');
}

/** 0.4567 -> "45.7%". */
export function formatPercent(fraction: number): string {
  return `${oneDecimal.format(fraction * 100)}%`;
}

/** 0.4 -> "0.40 ms", 12.34 -> "12.3 ms", 1234 -> "1,234 ms". */
export function formatMs(ms: number): string {
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  return `${formatCount(Math.round(ms))} ms`;
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

/** Whole percent for slider read-outs: 0.5 -> "50%". */
export function formatWholePercent(fraction: number): string {
  return `${Math.round(fraction * 100)}%`;
}

/** A duration left: 800 -> "under a second", 12_400 -> "12 s", 150_000 -> "2 min 30 s". */
export function formatEta(ms: number): string {
  if (ms < 1000) return 'under a second';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}
