/**
 * Number formatting for the studio: counts with thousands separators, sizes in B/KB/MB with one decimal.
 * Sizes use 1 KB = 1,024 bytes, as file managers and DevTools do; the exact byte count goes in a tooltip.
 */

const counts = new Intl.NumberFormat('en-US');

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
  return `${value.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 })} ${units[unit]}`;
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
  return `${(fraction * 100).toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 })}%`;
}
