/** Magnitude pruning with exact targets, and the linear-time selection it is built on. */
export { pruneGlobal, pruneTensor, selectGlobal } from './magnitude';
export type { PruneResult, PruneSelection, PrunedTensor, PruneTensorResult } from './magnitude';
export { obsPrune, obsPruneSteps, wandaPrune } from './obs';
export type { ObsOptions } from './obs';
export { depthwiseObsPrune, depthwiseObsPruneSteps, depthwiseWandaPrune } from './obs-depthwise';
export { bitsOf, firstDigitOfKth, keyOf, kthSmallestKey, valueOfKey } from './select';
export type { Bracket, FirstDigit, KeyOrder, KthKey } from './select';
export { countZeros, firstLostZero } from './zeros';
