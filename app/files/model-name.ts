/**
 * What to call a model the user opened from files: the folder it came in, the zip, the model file's own name,
 * or the name written in its model.json, in that order. "model.json + 1 file" tells nobody which model it is.
 */
import type { SourceFile } from './source-file';

const MODEL_JSON = /(^|\/)model\.json$/i;

/** The file that holds the model: a zip, else model.json, else any .json, else the first. */
export function mainFile(files: readonly SourceFile[]): SourceFile | undefined {
  return (
    files.find((f) => /\.zip$/i.test(f.name)) ??
    files.find((f) => MODEL_JSON.test(f.name)) ??
    files.find((f) => /\.json$/i.test(f.name)) ??
    files[0]
  );
}

function stem(path: string): string {
  const base = path.split('/').pop() ?? path;
  return base.replace(/\.(zip|json)$/i, '') || base;
}

/**
 * The name from the paths alone, or null when only the model.json itself could tell (a bare model.json).
 *
 * @example nameFromPaths([{ name: 'mobilenet/model.json', ... }, ...]) // 'mobilenet'
 */
export function nameFromPaths(files: readonly SourceFile[]): string | null {
  const main = mainFile(files);
  if (!main) return null;
  const folders = main.name.split('/').slice(0, -1);
  if (folders.length > 0) return folders[folders.length - 1];
  if (!MODEL_JSON.test(main.name)) return stem(main.name);
  return null;
}

/** The model's own name in a model.json: a Keras model's config name, or a converter's metadata name. */
export function nameInModelJson(json: unknown): string | null {
  if (typeof json !== 'object' || json === null) return null;
  const j = json as Record<string, unknown>;
  const topology = j.modelTopology as Record<string, unknown> | undefined;
  const config = ((topology?.model_config as Record<string, unknown> | undefined)?.config ?? topology?.config) as
    | Record<string, unknown>
    | undefined;
  const metadata = j.userDefinedMetadata as Record<string, unknown> | undefined;
  for (const candidate of [config?.name, metadata?.name, metadata?.modelName]) {
    if (typeof candidate === 'string' && candidate.trim() !== '') return candidate.trim();
  }
  return null;
}

/**
 * Names a set of opened files. Reads a bare model.json's text for its model name (cheap: the topology, not the
 * weights); falls back to the file's name.
 */
export async function modelNameFor(files: readonly SourceFile[]): Promise<string> {
  const main = mainFile(files);
  if (!main) return 'nothing';
  const fromPaths = nameFromPaths(files);
  if (fromPaths) return fromPaths;
  try {
    const named = nameInModelJson(JSON.parse(await main.blob.text()));
    if (named) return named;
  } catch {
    // Not JSON (or unreadable): the reader will say so when it opens; the file's name will do here.
  }
  return main.name;
}
