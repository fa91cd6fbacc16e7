/** The ui slice: view settings that are not part of the model or the results. */
import type { WeightSort } from './weight-sort';

export interface UiSlice {
  weightSort: WeightSort;
  /** Text filter over weight name and layer/op in the weight table. */
  weightFilter: string;
}

export function initialUiSlice(): UiSlice {
  return { weightSort: { key: 'index', direction: 'ascending' }, weightFilter: '' };
}
