/**
 * The `pare` command line: `pare <command> [arguments]` (bin/pare.js), or `npm run pare -- <command> [arguments]`
 * from the repository. Dispatches to the commands registered in commands.ts; every problem prints as
 * "pare: <message>" (the same sentence the studio shows) with a non-zero exit status: 1 for a model or data that
 * cannot be used, 2 for wrong usage. Usage errors also print the help that shows the right usage, on stderr, so
 * that stdout carries only results.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { isPareError } from '../errors';
import type { CliIO } from './command';
import { commands } from './commands';
import { isUsageError } from './usage';

function toolHelp(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return `pare — make TensorFlow.js models small: prune, quantize, measure and export.

Usage: pare <command> [arguments]   (from the repository: npm run pare -- <command> [arguments])

Commands:
${commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Options:
  -h, --help     Show this help; 'pare <command> --help' shows a command's arguments and options.
  -V, --version  Show the version of pare.`;
}

/** The version in package.json. src/cli/main.ts and the built dist/cli/main.js both sit two folders below it. */
export async function pareVersion(): Promise<string> {
  const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/**
 * Runs the CLI with the given arguments (without 'node' and the script) and resolves to the exit status.
 *
 * @example
 *   const status = await runCli(['inspect', 'model.json', '--json'], { out: console.log, err: console.error });
 */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.err(`pare: no command given.\n\n${toolHelp()}\n`);
    return 2;
  }
  if (name === '--version' || name === '-V') {
    io.out(`pare ${await pareVersion()}\n`);
    return 0;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' && rest[0] !== undefined ? commands.find((c) => c.name === rest[0]) : undefined;
    if (name === 'help' && rest[0] !== undefined && !topic) return unknownCommand(rest[0], io);
    io.out((topic ? topic.help : toolHelp()) + '\n');
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) return unknownCommand(name, io);
  try {
    return await command.run(rest, io);
  } catch (e) {
    if (isUsageError(e)) {
      const help = commands.find((c) => c.name === e.command)?.help ?? toolHelp();
      io.err(`pare: ${e.message}\n\n${help}\n`);
      return 2;
    }
    if (isPareError(e)) {
      io.err(`pare: ${e.message}\n`);
      return e.code === 'bad-options' ? 2 : 1;
    }
    io.err(`pare: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 1;
  }
}

function unknownCommand(name: string, io: CliIO): number {
  const names = commands.map((c) => c.name).join(', ');
  io.err(`pare: unknown command '${name}'; expected one of ${names}.\n\n${toolHelp()}\n`);
  return 2;
}

/**
 * Runs `pare` on this process's arguments and streams, and sets the exit status. bin/pare.js calls it; so does
 * `tsx src/cli/main.ts`. Progress lines are drawn only when stderr is a terminal: in a pipe or a log they would be
 * noise.
 */
export async function main(argv: string[] = process.argv.slice(2)): Promise<void> {
  // Output piped into `head` closes early; that is the reader's choice, not an error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
  const io: CliIO = {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    errIsTTY: process.stderr.isTTY === true,
  };
  process.exitCode = await runCli(argv, io);
}

// Run when executed (tsx src/cli/main.ts), not when imported by bin/pare.js or by tests.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) void main();
