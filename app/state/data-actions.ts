/**
 * Actions on the data slice. Data is opened in the worker for the open model (its preprocessing and classes
 * follow the model), so it is reopened whenever the model changes or the worker restarts; the files are kept.
 */
import type { OpenDataOptions, Scale, StudioError } from '../../src/worker/api';
import { classNamesProblem } from '../../src/worker/class-names';
import { toStudioError } from '../studio-error';
import { fetchSampleData, type SampleEntry } from '../files/samples';
import { labelFor, readSourceFiles, type SourceFile } from '../files/source-file';
import { studioClient } from './client';
import { dataKeyOf, type DataSource } from './data-slice';
import type { OpenModel } from './model-slice';
import { studio } from './store';

let latest = 0;

/** How an open ended: whether the data became the open data, and the error to show where the user acted. */
interface OpenOutcome {
  opened: boolean;
  error: StudioError | null;
}

/**
 * Opens `source` for the open model. A failure either replaces the open data with the error (new files), or,
 * with `keepOnFailure` (an edit of data already open), keeps the previous data and source and only returns it.
 */
async function openSource(source: DataSource, keepOnFailure: boolean): Promise<OpenOutcome> {
  const request = ++latest;
  const model = studio.getState().model;
  const before = studio.getState().dataSource;
  studio.setState({ dataSource: source, dataError: null });
  if (!model) {
    studio.setState({ data: null, dataOpening: null });
    return { opened: false, error: null };
  }
  studio.setState({ dataOpening: { label: source.label } });
  try {
    const files = await readSourceFiles(source.files);
    const ref = await studioClient().openData(model.id, files, openOptions(source));
    if (request !== latest || studio.getState().model?.id !== model.id) {
      void studioClient().closeData(ref.id).catch(() => {});
      return { opened: false, error: null };
    }
    const previous = studio.getState().data;
    const key = dataKeyOf(source);
    // The same data opened again (a new model, a restarted worker) keeps its calibration samples apart.
    const heldOut = previous?.key === key ? previous.heldOut : 0;
    studio.setState({
      data: { id: ref.id, source, summary: ref.summary, previews: ref.previews, key, heldOut },
      dataOpening: null,
    });
    if (previous && previous.id !== ref.id) void studioClient().closeData(previous.id).catch(() => {});
    return { opened: true, error: null };
  } catch (thrown) {
    if (request !== latest) return { opened: false, error: null };
    const error = toStudioError(thrown);
    const shown = error.code === 'cancelled' ? null : error;
    if (keepOnFailure) {
      studio.setState({ dataSource: before, dataOpening: null });
      return { opened: false, error: shown };
    }
    studio.setState({ data: null, dataOpening: null, dataError: shown });
    return { opened: false, error: shown };
  }
}

/** The worker's options for a source: only what the user chose. */
function openOptions(source: DataSource): OpenDataOptions {
  const options: OpenDataOptions = {};
  if (source.scale !== undefined) options.scale = source.scale;
  if (source.classNames !== undefined) options.classNames = [...source.classNames];
  return options;
}

/** The open model's output width (last dimension of its first output), or null when unknown. */
export function modelOutputWidth(model: OpenModel | null): number | null {
  const shape = model?.inventory.outputs[0]?.shape;
  const width = shape && shape.length >= 2 ? shape[shape.length - 1] : null;
  return typeof width === 'number' ? width : null;
}

/**
 * Opens data for the open model. Resolves true when it became the open data. Without a model the files are
 * kept and opened once a model is open.
 */
export async function openDataSource(source: DataSource): Promise<boolean> {
  return (await openSource(source, false)).opened;
}

/** Data files from a drop or the "Open data" input. */
export function openDataFiles(files: SourceFile[]): Promise<boolean> {
  return openDataSource({ label: labelFor(files), files });
}

/** The evaluation data a sample ships with (public/samples/data). */
export async function openSampleData(sample: SampleEntry, baseUrl: string, fetchImpl?: (url: string) => Promise<Response>): Promise<boolean> {
  try {
    return await openDataSource(await fetchSampleData(sample, baseUrl, fetchImpl));
  } catch (thrown) {
    studio.setState({ dataOpening: null, dataError: toStudioError(thrown) });
    return false;
  }
}

/** Opens the kept data files again for the model now open (after a model change or a worker restart). */
export function reopenData(): Promise<boolean> {
  const source = studio.getState().dataSource;
  if (!source) {
    studio.setState({ data: null });
    return Promise.resolve(false);
  }
  // Edited class names belong to a model with as many outputs; a model with another count gets its own names.
  const model = studio.getState().model;
  if (model && source.classNames && classNamesProblem(source.classNames, modelOutputWidth(model)) !== null) {
    return openDataSource(withClassNames(source, undefined));
  }
  return openDataSource(source);
}

/** Opens the same data again with another pixel scaling (the preprocessing select); undefined returns to the stated one. */
export function setDataScale(scale: Scale | undefined): Promise<boolean> {
  const source = studio.getState().dataSource;
  if (!source) return Promise.resolve(false);
  const next: DataSource = { label: source.label, files: source.files };
  if (scale !== undefined) next.scale = scale;
  if (source.classNames !== undefined) next.classNames = source.classNames;
  return openDataSource(next);
}

/** `source` with other class names (undefined: the model's, the labels file's or the folders' again). */
function withClassNames(source: DataSource, classNames: string[] | undefined): DataSource {
  const next: DataSource = { label: source.label, files: source.files };
  if (source.scale !== undefined) next.scale = source.scale;
  if (classNames !== undefined) next.classNames = [...classNames];
  return next;
}

/**
 * Opens the same data again with the user's class names in output order (the class mapping's editor), used as
 * a labels file would be; undefined returns to the names the data and model give. Resolves null once the data
 * is open with them, or the error to show in the editor: the names are checked here first (one per output,
 * non-empty, unique), and when the worker cannot open the data with them the previous data stays open.
 */
export async function setDataClassNames(classNames: string[] | undefined): Promise<StudioError | null> {
  const source = studio.getState().dataSource;
  if (!source) return { code: 'bad-options', message: 'There is no data open to name classes for; open data first.' };
  if (classNames !== undefined) {
    const problem = classNamesProblem(classNames, modelOutputWidth(studio.getState().model));
    if (problem) return { code: 'bad-options', message: problem };
  }
  return (await openSource(withClassNames(source, classNames), true)).error;
}

/** Forgets the data, here and in the worker. */
export function closeData(): void {
  const data = studio.getState().data;
  ++latest;
  studio.setState({ data: null, dataSource: null, dataError: null, dataOpening: null });
  if (data) void studioClient().closeData(data.id).catch(() => {});
}

export function dismissDataError(): void {
  studio.setState({ dataError: null });
}
