/**
 * The `pare` commands, one file each, registered here. Add a command by writing `src/cli/<name>.ts` exporting a
 * `Command` and listing it below; main.ts, `pare --help` and the usage errors pick it up.
 */
import type { Command } from './command';
import { autoCommand } from './auto';
import { benchCommand } from './bench';
import { evalCommand } from './eval';
import { inspectCommand } from './inspect';
import { optimizeCommand } from './optimize';
import { sensitivityCommand } from './sensitivity';

export const commands: readonly Command[] = [inspectCommand, optimizeCommand, autoCommand, sensitivityCommand, evalCommand, benchCommand];
