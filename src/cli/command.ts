/**
 * What a `pare` subcommand is. Each lives in its own file and is listed once in `commands.ts`.
 */

/** Where a command writes; tests pass buffers, main.ts passes the process streams. */
export interface CliIO {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Whether `err` is a terminal: only then do long commands draw a progress line on it. */
  errIsTTY?: boolean;
}

export interface Command {
  name: string;
  /** One line for `pare --help`. */
  summary: string;
  /** The full `pare <name> --help` text. */
  help: string;
  /** Runs with the arguments after the command name; resolves to the exit code. Throws PareError on bad input. */
  run(args: string[], io: CliIO): Promise<number>;
}
