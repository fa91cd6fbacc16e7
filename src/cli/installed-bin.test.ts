/**
 * The package as installed: package.json, bin/pare.js and the built build/cli, with dependencies in node_modules
 * and no src/ and no tsx. Builds the CLI with vite.cli.config.ts into a scratch package and runs its bin there.
 */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './testing/run-pare';

const run = promisify(execFile);
let pkg: string;

beforeAll(async () => {
  pkg = await mkdtemp(join(tmpdir(), 'pare-installed-'));
  await cp(join(ROOT, 'package.json'), join(pkg, 'package.json'));
  await cp(join(ROOT, 'bin'), join(pkg, 'bin'), { recursive: true });
  await symlink(join(ROOT, 'node_modules'), join(pkg, 'node_modules'));
  const vite = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  await run(process.execPath, [vite, 'build', '-c', 'vite.cli.config.ts', '--outDir', join(pkg, 'build', 'cli'), '--logLevel', 'error'], { cwd: ROOT });
});

afterAll(() => rm(pkg, { recursive: true, force: true }));

describe('the installed package (built JavaScript, no tsx)', () => {
  it('runs --version and inspect through its bin', async () => {
    const bin = join(pkg, 'bin', 'pare.js');
    const version = await run(process.execPath, [bin, '--version'], { cwd: pkg });
    expect(version.stdout).toMatch(/^pare \d+\.\d+\.\d+\n$/);
    const inspect = await run(process.execPath, [bin, 'inspect', join(ROOT, 'public', 'samples', 'fashion-mlp'), '--json'], { cwd: pkg });
    expect(JSON.parse(inspect.stdout)).toMatchObject({ format: 'layers-model', params: 266_610 });
  });
});
