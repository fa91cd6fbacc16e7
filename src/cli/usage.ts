/**
 * Usage errors: the command line itself is wrong (an unknown option, a missing argument). They exit with status 2
 * and print the command's help to stderr after the one-line message, because the help is what the person needs
 * next. A wrong value for a known flag, or a path that does not exist, is not a usage error: its message says
 * exactly what to change, and the help would bury it.
 */
import { PareError } from '../errors';

export class UsageError extends PareError {
  /** The command whose help to print; undefined for the tool's own help. */
  readonly command: string | undefined;

  constructor(message: string, command?: string) {
    super('bad-options', message);
    this.command = command;
  }
}

export function isUsageError(e: unknown): e is UsageError {
  return e instanceof UsageError;
}
