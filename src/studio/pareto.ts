/**
 * The Pareto front of the trade-off charts: the variants no other variant beats on both axes at once. Smaller is
 * better on x (size, latency), larger is better on y (accuracy, agreement).
 */

export interface TradeoffPoint {
  id: string;
  x: number;
  y: number;
}

/**
 * The points on the front, sorted by x ascending (then y descending). A point is on it when no other point has
 * x <= its x and y >= its y with at least one of the two strictly better. Points with equal x and y are all kept
 * (none dominates the others). Points with a non-finite coordinate are left out.
 *
 * @example
 *   paretoFront([{ id: 'a', x: 1, y: 0.8 }, { id: 'b', x: 2, y: 0.7 }, { id: 'c', x: 3, y: 0.9 }])
 *   // a and c: b is bigger and less accurate than a
 */
export function paretoFront<T extends TradeoffPoint>(points: readonly T[]): T[] {
  const finite = points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  const sorted = [...finite].sort((a, b) => a.x - b.x || b.y - a.y);
  const front: T[] = [];
  let bestY = -Infinity;
  let lastX = NaN;
  let lastY = NaN;
  for (const p of sorted) {
    if (p.y > bestY) {
      front.push(p);
      bestY = p.y;
      lastX = p.x;
      lastY = p.y;
    } else if (p.x === lastX && p.y === lastY) {
      // An exact twin of the last point on the front is not dominated by it.
      front.push(p);
    }
  }
  return front;
}

/** Whether `id` is on the front of `points`. */
export function onFront(points: readonly TradeoffPoint[], id: string): boolean {
  return paretoFront(points).some((p) => p.id === id);
}
