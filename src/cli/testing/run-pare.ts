/** Test-only: runs `pare` as a user does (spawned through bin/pare.js, the package's bin) or in-process through runCli. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../main';

export const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'pare.js');

export interface PareRun {
  status: number;
  out: string;
  err: string;
}

/** Spawns `node bin/pare.js ...args` from the repository root (stderr is a pipe, so no progress is drawn). */
export function spawnPare(...args: string[]): Promise<PareRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ status: error ? Number(error.code ?? 1) : 0, out: stdout, err: stderr });
    });
  });
}

/** Runs the dispatcher in this process, collecting what it writes. */
export async function runPare(...args: string[]): Promise<PareRun> {
  let out = '';
  let err = '';
  const status = await runCli(args, { out: (t) => (out += t), err: (t) => (err += t) });
  return { status, out, err };
}
