/**
 * The sample models under public/samples/: index.json lists them, each with files relative to samples/.
 * Fetching them gives the same SourceFiles a drop would, so a sample opens exactly like a user's model.
 */
import type { StudioError } from '../../src/worker/api';
import type { ModelSource, SourceFile } from './source-file';

export interface SampleEntry {
  id: string;
  name: string;
  description: string;
  /** Paths relative to public/samples/, e.g. 'fashion-mlp/model.json'. */
  files: string[];
  params?: number;
  accuracy?: { test10k?: number; subset1000?: number };
  data?: { images?: string; labels?: string; labelNames?: string };
}

type Fetch = (url: string) => Promise<Response>;

/** Checks the parts of index.json the studio relies on; entries without id, name or files are skipped. */
export function parseSampleIndex(json: unknown): SampleEntry[] {
  const list = Array.isArray(json) ? json : (json as { samples?: unknown })?.samples;
  if (!Array.isArray(list)) return [];
  return list.filter(
    (e): e is SampleEntry =>
      typeof e === 'object' &&
      e !== null &&
      typeof e.id === 'string' &&
      typeof e.name === 'string' &&
      Array.isArray(e.files) &&
      e.files.length > 0 &&
      e.files.every((f: unknown) => typeof f === 'string'),
  ).map((e) => ({ ...e, description: typeof e.description === 'string' ? e.description : '' }));
}

/**
 * Lists the samples the app ships. Returns [] when there is no index (a build without samples), and throws a
 * StudioError when the index exists but cannot be read.
 */
export async function fetchSampleIndex(baseUrl: string, fetchImpl: Fetch = fetch): Promise<SampleEntry[]> {
  const url = `${baseUrl}samples/index.json`;
  const response = await fetchImpl(url);
  // Static servers with a single-page fallback answer a missing file with index.html: that means "no samples" too.
  if (response.status === 404 || isHtml(response)) return [];
  if (!response.ok) throw unreadable(url, `HTTP ${response.status}`);
  try {
    return parseSampleIndex(await response.json());
  } catch {
    throw unreadable(url, 'it is not valid JSON');
  }
}

/** Fetches a sample's files from the app itself. */
export async function fetchSample(sample: SampleEntry, baseUrl: string, fetchImpl: Fetch = fetch): Promise<ModelSource> {
  const files = (await fetchFiles(sample.files, baseUrl, fetchImpl)).map((f, i) => ({ ...f, name: sample.files[i] }));
  return { label: `Sample: ${sample.name}`, files, sampleId: sample.id };
}

/** Whether a sample ships evaluation data. */
export function hasSampleData(sample: SampleEntry): boolean {
  return typeof sample.data?.images === 'string';
}

/** Fetches a sample's evaluation data (images, labels, class names) from the app, like files the user dropped. */
export async function fetchSampleData(
  sample: SampleEntry,
  baseUrl: string,
  fetchImpl: Fetch = fetch,
): Promise<{ label: string; files: SourceFile[] }> {
  const d = sample.data ?? {};
  const paths = [d.images, d.labels, d.labelNames].filter((p): p is string => typeof p === 'string');
  const files = await fetchFiles(paths, baseUrl, fetchImpl);
  return { label: `Sample data for ${sample.name}`, files };
}

async function fetchFiles(paths: string[], baseUrl: string, fetchImpl: Fetch): Promise<SourceFile[]> {
  return Promise.all(
    paths.map(async (path) => {
      const response = await fetchImpl(`${baseUrl}samples/${path}`);
      if (!response.ok) throw unreadable(`samples/${path}`, `HTTP ${response.status}`);
      if (isHtml(response)) throw unreadable(`samples/${path}`, 'the server has no such file');
      return { name: path.split('/').pop()!, blob: await response.blob() };
    }),
  );
}

function isHtml(response: Response): boolean {
  return (response.headers.get('content-type') ?? '').includes('text/html');
}

function unreadable(file: string, reason: string): StudioError {
  return { code: 'unreadable', message: `The sample file '${file}' could not be fetched: ${reason}.`, file };
}
