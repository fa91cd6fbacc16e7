/**
 * One line of progress on stderr for long commands, redrawn in place ("\r" + clear to end of line), and drawn only
 * when stderr is a terminal: in a pipe or a CI log, carriage returns are noise. Redraws are throttled, since a
 * terminal needs a few updates a second, not one per tensor.
 */
import type { CliIO } from './command';

export interface ProgressLine {
  /** Shows `text` (throttled unless `force`). */
  show(text: string, force?: boolean): void;
  /** Removes the line, so the summary starts on a clean line. */
  clear(): void;
}

const QUIET: ProgressLine = { show: () => {}, clear: () => {} };

/**
 * @example
 *   const progress = progressLine(io);
 *   progress.show('applying 3/12 dense_1/kernel');
 *   progress.clear();
 */
export function progressLine(io: CliIO, intervalMs = 100): ProgressLine {
  if (!io.errIsTTY) return QUIET;
  let last = -Infinity;
  let shown = false;
  return {
    show(text, force = false) {
      const now = performance.now();
      if (!force && now - last < intervalMs) return;
      last = now;
      shown = true;
      io.err(`\r${text}\x1b[K`);
    },
    clear() {
      if (shown) io.err('\r\x1b[K');
      shown = false;
    },
  };
}
