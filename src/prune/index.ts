/** Magnitude pruning with exact targets, and the linear-time selection it is built on. */
export { pruneGlobal, pruneTensor } from './magnitude';
export type { PruneResult, PruneTensorResult } from './magnitude';
export { bitsOf, keyOf, kthSmallestKey, valueOfKey } from './select';
export type { KeyOrder, KthKey } from './select';
