/** Timing helpers the benchmark scripts share. */

export interface Timing {
  wall: number;
  cpu: number;
}

/**
 * Wall-clock and CPU time of one call, in ms. CPU time (this process, all threads) is what a quiet machine would
 * show as wall time; on a shared machine wall time also counts the time other processes held the core.
 */
export function measure(fn: () => unknown): Timing {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  fn();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1000 };
}

/** The same for an async call. */
export async function measureAsync(fn: () => Promise<unknown>): Promise<Timing> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1000 };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
