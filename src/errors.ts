/**
 * Typed errors of the core. Each says what was expected, what was found, and where (file, weight, value),
 * as one sentence a person can act on. They cross the worker boundary as plain `{code, message, file, weight}`.
 */
export type PareErrorCode =
  | 'empty-input' // nothing was dropped, or nothing usable
  | 'not-a-model' // files that are not a TF.js model at all
  | 'ambiguous-input' // several model files were dropped and none is clearly the one to open
  | 'bad-json' // model.json (or another JSON file) does not parse
  | 'bad-model-json' // model.json parses but its fields are wrong (schema)
  | 'bad-zip' // a zip (or gzip) that cannot be read: no directory, truncated, a broken stream
  | 'bad-zip-size' // an archive entry declares sizes no real entry can have (past the archive, beyond deflate's ratio)
  | 'bad-crc' // an unpacked entry's bytes do not match the CRC-32 its archive records
  | 'zip-bomb' // an entry inflates past the size it declares: unpacking stops there
  | 'zip-overlap' // archive entries share bytes (several entries over one stream, a zip-bomb construction)
  | 'zip-nesting' // archives nested deeper than Pare unpacks
  | 'too-large' // declared sizes past the unpacking budget, refused before anything is inflated
  | 'unsafe-path' // an archive entry whose name leaves its folder ('../', absolute, a drive letter)
  | 'not-a-file' // a path naming a device, a FIFO, a socket or a folder where a file's bytes are expected
  | 'missing-shard' // a shard named in the manifest is not among the files
  | 'shard-length' // shards are shorter or longer than the manifest needs
  | 'unknown-dtype' // a dtype or quantization dtype the stock loader does not know
  | 'shape-mismatch' // a shape that does not match the bytes or the topology
  | 'missing-weight' // a weight the topology needs is not in the manifest
  | 'unowned-weight' // a manifest weight that no layer of a layers model owns (stock refuses it too)
  | 'unknown-layer' // a layer class TF.js's own registry does not know (stock: "Unknown layer: ...")
  | 'graph-cycle' // a graph whose nodes feed themselves (a cycle or a self-loop) outside a while loop
  | 'bad-graph' // a graph's node list is broken: empty, not objects, unnamed, inputs naming nodes that do not exist
  | 'stock-refuses' // the stock loader itself refuses the topology (an initializer, attribute or shape it cannot use)
  | 'too-deep' // JSON or nested models deeper than Pare walks
  | 'bad-encoding' // a text file in an encoding other than UTF-8 (UTF-16, UTF-32)
  | 'bad-recipe' // a recipe that fails validation
  | 'bad-options' // invalid command-line or API options
  | 'bad-data' // evaluation data that cannot be used
  | 'missing-data' // a recipe step names a data set (calibration, training) that was not given
  | 'cancelled' // the user cancelled a long job
  | 'unsupported'; // something valid that Pare does not handle (yet)

export interface PareErrorInfo {
  code: PareErrorCode;
  message: string;
  file?: string;
  weight?: string;
}

export class PareError extends Error implements PareErrorInfo {
  override readonly name = 'PareError';
  readonly code: PareErrorCode;
  readonly file?: string;
  readonly weight?: string;

  constructor(code: PareErrorCode, message: string, where: { file?: string; weight?: string } = {}) {
    super(message);
    this.code = code;
    this.file = where.file;
    this.weight = where.weight;
  }

  toJSON(): PareErrorInfo {
    return { code: this.code, message: this.message, file: this.file, weight: this.weight };
  }
}

/** Something worth telling the user that does not stop the work (for example NaN weights). */
export interface PareWarning {
  code:
    | 'non-finite-weights'
    | 'unused-file'
    | 'skipped'
    | 'weak-proxy'
    | 'emptied-tensor'
    | 'note'
    // Opened as stock TF.js would, but worth knowing (src/formats/check-topology-weights.ts, open-tfjs.ts):
    | 'unknown-op'
    | 'duplicate-weight'
    | 'duplicate-node'
    | 'unowned-weight'
    | 'bad-quantization';
  message: string;
  file?: string;
  weight?: string;
}

export function isPareError(e: unknown): e is PareError {
  return e instanceof PareError;
}

/** Formats a byte count with thousands separators, as error messages quote sizes ("4,194,304 bytes"). */
export function bytesText(n: number): string {
  return `${n.toLocaleString('en-US')} byte${n === 1 ? '' : 's'}`;
}
