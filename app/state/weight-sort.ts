/** Sorting the inventory's weight table: pure, so the table and its tests agree on the order. */
import type { WeightInfo } from '../../src/model/types';

export type WeightSortKey = 'index' | 'name' | 'owner' | 'shape' | 'params' | 'stored' | 'bytes' | 'prunable';
export type SortDirection = 'ascending' | 'descending';

export interface WeightSort {
  key: WeightSortKey;
  direction: SortDirection;
}

export interface WeightRow extends WeightInfo {
  /** Position in the manifest, from 0. */
  index: number;
}

/** How the stored form reads in the table: 'float32', 'uint8 (affine)', 'float16'. */
export function storedLabel(w: Pick<WeightInfo, 'dtype' | 'quantization'>): string {
  if (w.quantization === null) return w.dtype;
  return w.quantization.dtype === 'float16' ? 'float16' : `${w.quantization.dtype} (affine)`;
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** Natural order by '/'-separated segment, so 'dense/bias' < 'dense_1/kernel' < 'dense_10/kernel'. */
function compareNames(a: string, b: string): number {
  const as = a.split('/');
  const bs = b.split('/');
  for (let i = 0; i < Math.min(as.length, bs.length); i++) {
    const c = collator.compare(as[i], bs[i]);
    if (c !== 0) return c;
  }
  return as.length - bs.length;
}

function compare(a: WeightRow, b: WeightRow, key: WeightSortKey): number {
  switch (key) {
    case 'index':
      return a.index - b.index;
    case 'name':
      return compareNames(a.name, b.name);
    case 'owner':
      return compareNames(a.owner, b.owner) || collator.compare(a.ownerType, b.ownerType);
    case 'shape':
      // Rank first, then dimension by dimension: kernels group apart from biases.
      return a.shape.length - b.shape.length || a.shape.reduce((d, v, i) => d || v - b.shape[i], 0);
    case 'params':
      return a.params - b.params;
    case 'stored':
      return collator.compare(storedLabel(a), storedLabel(b));
    case 'bytes':
      return a.bytes - b.bytes;
    case 'prunable':
      return Number(a.prunable) - Number(b.prunable);
  }
}

/** Rows in the requested order; ties keep manifest order in either direction, so the table never jitters. */
export function sortWeights(weights: readonly WeightInfo[], sort: WeightSort): WeightRow[] {
  const rows = weights.map((w, index) => ({ ...w, index }));
  const sign = sort.direction === 'ascending' ? 1 : -1;
  return rows.sort((a, b) => sign * compare(a, b, sort.key) || a.index - b.index);
}

/** Clicking a header: a new column sorts ascending (numbers descending: biggest first), the same column flips. */
export function nextSort(current: WeightSort, key: WeightSortKey): WeightSort {
  if (current.key === key) return { key, direction: current.direction === 'ascending' ? 'descending' : 'ascending' };
  const numeric = key === 'params' || key === 'bytes' || key === 'shape' || key === 'prunable';
  return { key, direction: numeric ? 'descending' : 'ascending' };
}
