/**
 * Actions on the model slice. Each open is numbered so that only the latest request's answer lands in the
 * store; a model that was open stays open (and visible) until a new one has opened successfully.
 */
import { toStudioError } from '../studio-error';
import { fetchSample, fetchSampleIndex, type SampleEntry } from '../files/samples';
import { modelNameFor, nameFromPaths } from '../files/model-name';
import { readSourceFiles, type ModelSource, type SourceFile } from '../files/source-file';
import { onClientRestart, studioClient } from './client';
import { reopenData } from './data-actions';
import type { OpenModel } from './model-slice';
import { initialModelState, studio } from './store';

let latestOpen = 0;

/**
 * Opens a model from files the user gave (dropped, chosen, or fetched). Resolves true when it became the
 * open model, false when it failed (the error is in `modelError`), was cancelled, or was overtaken by a newer open.
 */
export async function openModelSource(source: ModelSource, options: { keepSession?: boolean } = {}): Promise<boolean> {
  const request = ++latestOpen;
  studio.setState({ opening: { label: source.label }, modelError: null });
  try {
    const files = await readSourceFiles(source.files);
    const ref = await studioClient().openModel(files);
    if (request !== latestOpen) {
      void closeQuietly(ref.id);
      return false;
    }
    const previous = studio.getState().model;
    // Everything of the model group belongs to one model: a new model replaces it whole. A restored session
    // keeps the variants and controls it brought back (their worker handles are for no model yet).
    studio.setState({
      ...(options.keepSession ? { variantHandles: {} } : initialModelState()),
      model: { id: ref.id, inventory: ref.inventory, source },
      opening: null,
    });
    if (previous !== null) void closeQuietly(previous.id);
    // The data (if any) is opened again for this model: its preprocessing and classes follow the model.
    void reopenData();
    return true;
  } catch (thrown) {
    if (request !== latestOpen) return false;
    const error = toStudioError(thrown);
    // Cancelling is the user's own doing: nothing to report.
    studio.setState({ opening: null, modelError: error.code === 'cancelled' ? null : error });
    return false;
  }
}

/** Opens files from a drop or a file input, named after their folder, file or model (see model-name.ts). */
export function openFiles(files: SourceFile[]): Promise<boolean> {
  // The paths usually name it at once; only a bare model.json is read first for the name inside.
  const named = nameFromPaths(files);
  if (named !== null) return openModelSource({ label: named, files });
  return modelNameFor(files).then((label) => openModelSource({ label, files }));
}

/** Stops an open in progress; a model open before it stays open (the worker keeps it). */
export function cancelOpen(): void {
  studioClient().cancel();
}

/** Forgets the open model, here and in the worker, with its variants (the data files are kept). */
export async function closeModel(): Promise<void> {
  const model = studio.getState().model;
  if (model === null) return;
  studio.setState(initialModelState());
  await closeQuietly(model.id);
}

export function dismissModelError(): void {
  studio.setState({ modelError: null });
}

/** Loads the list of sample models the app ships (public/samples/index.json). */
export async function loadSamples(baseUrl: string, fetchImpl?: (url: string) => Promise<Response>): Promise<void> {
  studio.setState((s) => ({ samples: { ...s.samples, status: 'loading', error: null } }));
  try {
    const entries = await fetchSampleIndex(baseUrl, fetchImpl);
    studio.setState({ samples: { status: 'ready', entries, error: null } });
  } catch (thrown) {
    studio.setState({ samples: { status: 'error', entries: [], error: toStudioError(thrown) } });
  }
}

/** Fetches a sample's files from the app and opens them like a user's files. */
export async function openSample(
  sample: SampleEntry,
  baseUrl: string,
  fetchImpl?: (url: string) => Promise<Response>,
): Promise<boolean> {
  const request = ++latestOpen;
  studio.setState({ opening: { label: `Sample: ${sample.name}` }, modelError: null });
  let source: ModelSource;
  try {
    source = await fetchSample(sample, baseUrl, fetchImpl);
  } catch (thrown) {
    if (request === latestOpen) studio.setState({ opening: null, modelError: toStudioError(thrown) });
    return false;
  }
  if (request !== latestOpen) return false;
  return openModelSource(source);
}

async function closeQuietly(id: string): Promise<void> {
  try {
    await studioClient().closeModel(id);
  } catch {
    // The worker may have been restarted since: the model is gone either way.
  }
}

/**
 * The worker was replaced, so the open model's handle is dead: open it again from its source, quietly.
 * Only if it is still the open model when the answer comes; a newer model wins.
 */
async function reopen(model: OpenModel): Promise<void> {
  try {
    const ref = await studioClient().openModel(await readSourceFiles(model.source.files));
    if (studio.getState().model === model) {
      // The old worker's variant handles died with it; entries register their recipes again on first use.
      studio.setState({ model: { ...model, id: ref.id }, variantHandles: {} });
      void reopenData();
    } else void closeQuietly(ref.id);
  } catch (thrown) {
    if (studio.getState().model === model) {
      studio.setState({ model: null, modelError: toStudioError(thrown) });
    }
  }
}

onClientRestart(() => {
  const model = studio.getState().model;
  if (model !== null) void reopen(model);
});
