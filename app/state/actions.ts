/** Every action the UI can take, as plain functions. */
export {
  cancelOpen,
  closeModel,
  dismissModelError,
  loadSamples,
  openFiles,
  openModelSource,
  openSample,
} from './model-actions';
export { loadRuntime } from './runtime-actions';
export { setWeightFilter, sortWeightsBy } from './ui-actions';
export { setStudioClient } from './client';
