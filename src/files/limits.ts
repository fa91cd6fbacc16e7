/**
 * How much a drop may unpack to. Archives are checked against these before anything is inflated, and inflation
 * stops at them even when an archive's declared sizes lie: hostile input is refused before a large allocation.
 */
import { PareError, bytesText } from '../errors';
import { quoteName } from './quote';

export interface UnpackLimits {
  /** Bytes all archives in one drop may inflate to, nested ones included (default 1 GiB). */
  maxBytes: number;
  /** How deep archives may nest: 1 opens a dropped zip, 2 also a zip inside it (default 3). */
  maxDepth: number;
  /** Entries one archive may hold (default 100,000). */
  maxEntries: number;
  /**
   * Bytes an opened model may take in memory: its shards, plus float32 copies of weights stored quantized
   * (default 2 GiB, which a 100-million-parameter float32 model fits five times over).
   */
  maxModelBytes: number;
}

export const DEFAULT_UNPACK_LIMITS: Readonly<UnpackLimits> = {
  maxBytes: 1024 * 1024 * 1024,
  maxDepth: 3,
  maxEntries: 100_000,
  maxModelBytes: 2 * 1024 * 1024 * 1024,
};

let processDefaults: Readonly<UnpackLimits> = DEFAULT_UNPACK_LIMITS;

/**
 * Changes the limits every later drop of this process is opened under, where a call gives none of its own: the
 * CLI sets them from its environment (src/cli/read-input.ts). `{}` restores the defaults.
 */
export function setDefaultLimits(limits: Partial<UnpackLimits>): void {
  processDefaults = { ...DEFAULT_UNPACK_LIMITS, ...limits };
}

/** The limits a drop is opened under when the call gives none. */
export function defaultLimits(): Readonly<UnpackLimits> {
  return processDefaults;
}

/** The budget one drop draws on while its archives unpack. */
export class UnpackBudget {
  readonly limits: UnpackLimits;
  private used = 0;

  constructor(limits: Partial<UnpackLimits> = {}) {
    this.limits = { ...processDefaults, ...limits };
  }

  get remaining(): number {
    return this.limits.maxBytes - this.used;
  }

  /**
   * Reserves `bytes` for an entry before it is inflated.
   * @throws PareError('too-large') naming the entry when the drop's budget cannot hold it
   */
  reserve(bytes: number, entry: string, archive: string): void {
    if (bytes > this.remaining) {
      const already = this.used > 0 ? ` after ${bytesText(this.used)} already unpacked` : '';
      throw new PareError(
        'too-large',
        `Entry ${quoteName(entry)} in ${quoteName(archive)} declares ${bytesText(bytes)} unpacked${already}; Pare unpacks at most ` +
          `${bytesText(this.limits.maxBytes)} from one drop, so the archive was not opened.`,
        { file: archive },
      );
    }
    this.used += bytes;
  }
}
