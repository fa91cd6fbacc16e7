/**
 * A file the user gave us, kept as a Blob (a File is one) rather than as bytes: cheap to hold, readable again
 * if the worker has to be restarted and the model reopened.
 */
import type { InputFile } from '../../src/model/types';
import type { StudioError } from '../../src/worker/api';

export interface SourceFile {
  /** Path relative to what was dropped or chosen, with '/' separators ('my-model/group1-shard1of1.bin'). */
  name: string;
  blob: Blob;
}

/** What the model panel remembers about an opened model's origin. */
export interface ModelSource {
  /** A short description for people: 'model.json + 1 file', 'nsfw.zip', 'Sample: Fashion-MNIST MLP'. */
  label: string;
  files: SourceFile[];
  /** The sample's id when it is one of the app's samples (it then offers the sample's data). */
  sampleId?: string;
}

/** Reads every file into its own buffer, ready to be transferred to the worker. */
export async function readSourceFiles(files: readonly SourceFile[]): Promise<InputFile[]> {
  return Promise.all(
    files.map(async (file) => {
      try {
        return { name: file.name, data: new Uint8Array(await file.blob.arrayBuffer()) };
      } catch (e) {
        const reason = e instanceof Error ? e.message : String(e);
        throw {
          code: 'unreadable',
          message: `The browser could not read '${file.name}': ${reason}. Choose the file again.`,
          file: file.name,
        } satisfies StudioError;
      }
    }),
  );
}

/** Names a set of files for the UI: the single file's name, or the main file plus how many others. */
export function labelFor(files: readonly SourceFile[]): string {
  if (files.length === 0) return 'nothing';
  const main =
    files.find((f) => /\.zip$/i.test(f.name)) ??
    files.find((f) => /(^|\/)model\.json$/i.test(f.name)) ??
    files.find((f) => /\.json$/i.test(f.name)) ??
    files[0];
  const others = files.length - 1;
  return others === 0 ? main.name : `${main.name} + ${others} file${others === 1 ? '' : 's'}`;
}
