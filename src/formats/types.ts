/**
 * The reader contract. Each input format is one `FormatReader`; `formats/index.ts` tries them in order and the
 * first whose `match` is true opens the drop. Readers see the whole dropped file set through a `FormatContext`,
 * so a model.json finds its shards relative to its own folder.
 */
import type { InputFile, OpenedModel } from '../model/types';
import type { UnpackLimits } from '../files/limits';

/** The model JSON file chosen among the dropped files, parsed but not yet validated. */
export interface ModelJsonChoice {
  /** Its path among the files ('mymodel/model.json'). */
  name: string;
  json: Record<string, unknown>;
  /** What its modelTopology looks like: a Keras layers model, a TF graph, or neither. */
  kind: 'layers' | 'graph' | 'unknown';
}

export interface FormatContext {
  /**
   * The usable files, as src/files unpacked them: archives opened, junk (dot-files, __MACOSX) removed, names
   * normalised to '/'-separated relative paths.
   */
  readonly files: readonly InputFile[];
  /** The drop's common top folder or archive name ('mymodel'), what a model is best called; null when none. */
  readonly dropName: string | null;
  /** The budgets this drop is opened under (src/files/limits.ts). */
  readonly limits: Readonly<UnpackLimits>;
  /** The file at a normalised path, if it was dropped. */
  file(name: string): InputFile | undefined;
  /** A file's parsed JSON (cached), undefined when there is no such file. Throws 'bad-json' naming the file. */
  json(name: string): unknown;
  /**
   * The model JSON among the files, or null when no JSON file looks like a model. Throws 'ambiguous-input' when
   * several do and none is named model.json, and 'bad-json' when model.json (or the only JSON) does not parse.
   */
  modelJson(): ModelJsonChoice | null;
}

export interface FormatReader {
  /** Short id, recorded as OpenedModel.reader when this reader produced the model ('tfjs-layers', ...). */
  id: string;
  /**
   * Cheap test: can this reader open the drop? It may throw a PareError only when the drop cannot be opened by
   * any reader (model.json is not JSON, several model files compete), which is then the error to show.
   */
  match(ctx: FormatContext): boolean;
  open(ctx: FormatContext): Promise<OpenedModel>;
}
