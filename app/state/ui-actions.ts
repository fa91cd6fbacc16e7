/** Actions on the ui slice. */
import { studio } from './store';
import { nextSort, type WeightSortKey } from './weight-sort';

/** A click on a weight table header. */
export function sortWeightsBy(key: WeightSortKey): void {
  studio.setState((s) => ({ weightSort: nextSort(s.weightSort, key) }));
}

export function setWeightFilter(text: string): void {
  studio.setState({ weightFilter: text });
}
