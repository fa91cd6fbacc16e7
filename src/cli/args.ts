/**
 * Argument parsing for commands, over node:util's parseArgs, with its errors turned into PareError
 * 'bad-options' so they print as one line like every other problem.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { PareError } from '../errors';

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
    throw new PareError('bad-options', `${reason}; see 'pare ${command} --help'.`);
  }
}

/** Exactly one positional argument, or a 'bad-options' error naming what was expected. */
export function onePositional(command: string, positionals: string[], what: string): string {
  if (positionals.length === 1) return positionals[0];
  const found = positionals.length === 0 ? 'none' : positionals.map((p) => `'${p}'`).join(', ');
  throw new PareError('bad-options', `'pare ${command}' takes one ${what}; found ${found}. See 'pare ${command} --help'.`);
}
