/**
 * The `pare` command line: `npm run pare -- <command> [arguments]`. Dispatches to the commands registered in
 * commands.ts; every problem prints as "pare: <message>" (the same sentence the studio shows) with a non-zero
 * exit status: 1 for a model or data that cannot be used, 2 for wrong usage.
 */
import { fileURLToPath } from 'node:url';
import { isPareError } from '../errors';
import type { CliIO } from './command';
import { commands } from './commands';

function toolHelp(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return `pare — make TensorFlow.js models small: prune, quantize, measure and export.

Usage: pare <command> [arguments]   (from the repository: npm run pare -- <command> [arguments])

Commands:
${commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Run 'pare <command> --help' for a command's arguments and options.`;
}

/**
 * Runs the CLI with the given arguments (without 'node' and the script) and resolves to the exit status.
 *
 * @example
 *   const status = await runCli(['inspect', 'model.json', '--json'], { out: console.log, err: console.error });
 */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? commands.find((c) => c.name === rest[0]) : undefined;
    io.out((topic ? topic.help : toolHelp()) + '\n');
    return name === undefined ? 2 : 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.err(`pare: unknown command '${name}'; expected one of ${commands.map((c) => c.name).join(', ')}. See 'pare --help'.\n`);
    return 2;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    if (isPareError(e)) {
      io.err(`pare: ${e.message}\n`);
      return e.code === 'bad-options' ? 2 : 1;
    }
    io.err(`pare: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 1;
  }
}

// Run when executed (tsx src/cli/main.ts), not when imported by tests.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  // Output piped into `head` closes early; that is the reader's choice, not an error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
  const io: CliIO = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };
  runCli(process.argv.slice(2), io).then((status) => {
    process.exitCode = status;
  });
}
