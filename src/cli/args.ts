/**
 * Argument parsing for commands, over node:util's parseArgs, with its errors turned into PareError
 * usage errors: main.ts prints them as one line followed by the command's help, on stderr, with exit status 2.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './usage';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * Parses a command's arguments. Unknown options and missing values are errors; positionals are allowed.
 *
 * @example
 *   const { values, positionals } = parseCommandArgs('inspect', args, { json: { type: 'boolean' } });
 */
export function parseCommandArgs<O extends Options>(command: string, args: string[], options: O) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    const reason = e instanceof Error ? e.message.replace(/\.$/, '') : String(e);
    throw new UsageError(`${reason}.`, command);
  }
}

/** Exactly one positional argument, or a usage error naming what was expected. */
export function onePositional(command: string, positionals: string[], what: string): string {
  if (positionals.length === 1) return positionals[0];
  const found = positionals.length === 0 ? 'none' : positionals.map((p) => `'${p}'`).join(', ');
  throw new UsageError(`'pare ${command}' takes one ${what}; found ${found}.`, command);
}
