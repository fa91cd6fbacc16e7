/**
 * Actions on the data slice. Data is opened in the worker for the open model (its preprocessing and classes
 * follow the model), so it is reopened whenever the model changes or the worker restarts; the files are kept.
 */
import type { Scale } from '../../src/worker/api';
import { toStudioError } from '../studio-error';
import { fetchSampleData, type SampleEntry } from '../files/samples';
import { labelFor, readSourceFiles, type SourceFile } from '../files/source-file';
import { studioClient } from './client';
import { dataKeyOf, type DataSource } from './data-slice';
import { studio } from './store';

let latest = 0;

/**
 * Opens data for the open model. Resolves true when it became the open data. Without a model the files are
 * kept and opened once a model is open.
 */
export async function openDataSource(source: DataSource): Promise<boolean> {
  const request = ++latest;
  const model = studio.getState().model;
  studio.setState({ dataSource: source, dataError: null });
  if (!model) {
    studio.setState({ data: null, dataOpening: null });
    return false;
  }
  studio.setState({ dataOpening: { label: source.label } });
  try {
    const files = await readSourceFiles(source.files);
    const ref = await studioClient().openData(model.id, files, source.scale ? { scale: source.scale } : {});
    if (request !== latest || studio.getState().model?.id !== model.id) {
      void studioClient().closeData(ref.id).catch(() => {});
      return false;
    }
    const previous = studio.getState().data;
    studio.setState({
      data: { id: ref.id, source, summary: ref.summary, previews: ref.previews, key: dataKeyOf(source) },
      dataOpening: null,
    });
    if (previous && previous.id !== ref.id) void studioClient().closeData(previous.id).catch(() => {});
    return true;
  } catch (thrown) {
    if (request !== latest) return false;
    const error = toStudioError(thrown);
    studio.setState({ data: null, dataOpening: null, dataError: error.code === 'cancelled' ? null : error });
    return false;
  }
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
  return openDataSource(source);
}

/** Opens the same data again with another pixel scaling (the preprocessing select); undefined returns to the stated one. */
export function setDataScale(scale: Scale | undefined): Promise<boolean> {
  const source = studio.getState().dataSource;
  if (!source) return Promise.resolve(false);
  const next: DataSource = { label: source.label, files: source.files };
  if (scale !== undefined) next.scale = scale;
  return openDataSource(next);
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
