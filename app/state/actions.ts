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
export {
  closeData,
  dismissDataError,
  openDataFiles,
  openDataSource,
  openSampleData,
  reopenData,
  setDataClassNames,
  setDataScale,
} from './data-actions';
export {
  resetControls,
  resetLayer,
  setCalibrationSamples,
  setChannelRatio,
  setChannelRefit,
  setClip,
  setFuse,
  setGlobalSparsity,
  setPruneMethod,
  setRounding,
  setLayerPrecision,
  setLayerSparsity,
  setPrecision,
  setPruneScope,
} from './compress-actions';
export { startEstimates } from './estimate';
export { clearChannelGroupRatios, setChannelGroupRatio, startStructureEstimates } from './structure-actions';
export { cancelJob, dismissJobError, dismissNotice } from './jobs';
export { loadHistogram } from './histogram-actions';
export {
  applyCurrent,
  deleteVariant,
  measureAll,
  measureStale,
  renameVariant,
  selectVariant,
  setLatencyRuns,
  setMeasureBackend,
  showHistogramOf,
} from './variant-actions';
export {
  dismissRecipeError,
  downloadExportFile,
  downloadExportZip,
  exportSelected,
  loadRecipeFile,
  recipeToSave,
  saveRecipe,
} from './export-actions';
export { dismissStorageError, newSession, restoreSession, startPersistence } from './session-actions';
export { findSmallest, setSearchTarget, targetText } from './search-actions';
export { measureSensitivity } from './sensitivity-actions';
