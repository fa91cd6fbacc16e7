/**
 * The `pare` command as a user runs it: spawned through the package's bin (bin/pare.js) on real models, plus the
 * dispatcher in-process for help and usage errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from './main';
import { openModel } from '../formats/index';
import { REAL } from '../formats/testing/files';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'pare.js');

function pare(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ status: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

async function inProcess(...args: string[]) {
  let out = '';
  let err = '';
  const status = await runCli(args, { out: (t) => (out += t), err: (t) => (err += t) });
  return { status, out, err };
}

let broken: string;

beforeAll(async () => {
  // A real model whose shard lost its last 1,000 bytes.
  broken = await mkdtemp(join(tmpdir(), 'pare-cli-'));
  const src = join(REAL, 'human-emotion');
  await writeFile(join(broken, 'emotion.json'), await readFile(join(src, 'emotion.json')));
  const shard = await readFile(join(src, 'emotion.bin'));
  await writeFile(join(broken, 'emotion.bin'), shard.subarray(0, shard.length - 1000));
});

afterAll(() => rm(broken, { recursive: true, force: true }));

// Spawns are slow to start (tsx, TF.js import); run them side by side.
describe.concurrent('pare (spawned through bin/pare.js)', () => {
  it('--version prints the version in package.json', async () => {
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.bin).toEqual({ pare: 'bin/pare.js' });
    const { status, stdout, stderr } = await pare('--version');
    expect({ status, stdout, stderr }).toEqual({ status: 0, stdout: `pare ${pkg.version}\n`, stderr: '' });
  });

  it('a usage error prints the message and the command help to stderr, nothing to stdout, and exits 2', async () => {
    const { status, stdout, stderr } = await pare('optimize', 'model.json', '--sparsty', '0.5');
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^pare: Unknown option '--sparsty'/);
    expect(stderr).toContain('\nUsage: pare optimize <model.json | folder | model.zip> --out <dir> [options]');
  });

  it('--json on nsfwjs MobileNetV2 prints the inventory', async () => {
    const { status, stdout, stderr } = await pare('inspect', '.fixtures/real/nsfwjs-mobilenet-v2', '--json');
    expect(stderr).toBe('');
    expect(status).toBe(0);
    const inv = JSON.parse(stdout);
    expect(inv).toMatchObject({ format: 'layers-model', params: 2_619_461, weightBytes: 2_619_461 });
    expect(inv.inputs).toEqual([{ name: 'input_1', shape: [null, 224, 224, 3], dtype: 'float32' }]);
    expect(inv.outputs).toEqual([{ name: 'dense_3', shape: [null, 5], dtype: 'float32' }]);
    expect(inv.weights).toHaveLength(266);
    expect(inv.weights[0]).toMatchObject({
      name: 'Conv1/kernel',
      shape: [3, 3, 3, 32],
      dtype: 'float32',
      quantization: { dtype: 'uint8' },
      prunable: true,
    });
    expect(inv.weights.find((w: { name: string }) => w.name === 'Conv_1_bn/gamma').prunable).toBe(false);
  });

  it('prints a readable inventory of a graph model', async () => {
    const { status, stdout } = await pare('inspect', '.fixtures/real/human-handtrack/handtrack.json', '--sort', 'params');
    expect(status).toBe(0);
    expect(stdout).toContain('handtrack.json: graph-model');
    expect(stdout).toMatch(/inputs\s+input_tensor\s+\[1, \?, \?, 3\]\s+int32/);
    expect(stdout).toMatch(/params\s+2,961,504 in 619 tensors/);
    expect(stdout).toMatch(/bytes\s+2,964,837 of weights/);
    // Sorted by params: the first row is the largest tensor.
    const firstRow = stdout.split('\n').find((l) => l.includes('_FusedConv2D'));
    expect(firstRow).toMatch(/yes$/);
  });

  it('a broken model exits 1 with the message the studio shows', async () => {
    const { status, stdout, stderr } = await pare('inspect', broken);
    expect(status).toBe(1);
    expect(stdout).toBe('');
    const files = [
      { name: `${broken.split('/').pop()}/emotion.json`, data: new Uint8Array(await readFile(join(broken, 'emotion.json'))) },
      { name: `${broken.split('/').pop()}/emotion.bin`, data: new Uint8Array(await readFile(join(broken, 'emotion.bin'))) },
    ];
    const message = await openModel(files).then(
      () => '',
      (e: Error) => e.message,
    );
    expect(message).toContain("Shard 'emotion.bin' is 819,516 bytes");
    expect(stderr).toBe(`pare: ${message}\n`);
  });
});

describe('pare (in-process)', () => {
  it('--help lists the commands; each command has its own --help', async () => {
    const tool = await inProcess('--help');
    expect(tool.status).toBe(0);
    expect(tool.out).toContain('-V, --version');
    expect(await inProcess('-V')).toEqual({ status: 0, out: expect.stringMatching(/^pare \d+\.\d+\.\d+\n$/), err: '' });
    expect(tool.out).toMatch(/Commands:\n\s+inspect\s+Show a model/);
    const inspect = await inProcess('inspect', '--help');
    expect(inspect.status).toBe(0);
    expect(inspect.out).toContain('Usage: pare inspect <model.json | folder | model.zip>');
    expect(inspect.out).toContain('--json');
    expect((await inProcess('help', 'inspect')).out).toBe(inspect.out);
  });

  it('usage errors exit 2 with the message, then the help, on stderr', async () => {
    const none = await inProcess();
    expect(none).toMatchObject({ status: 2, out: '' });
    expect(none.err).toMatch(/^pare: no command given\.\n\npare — make TensorFlow\.js models small[^]*Commands:\n\s+inspect/);
    const unknown = await inProcess('shrink');
    expect(unknown.err).toContain('\nCommands:\n');
    expect(unknown.out).toBe('');
    const missing = await inProcess('inspect');
    expect(missing.err).toContain("found none.\n\nUsage: pare inspect <model.json | folder | model.zip> [options]");
    // A wrong value for a known flag is not a usage error: its message says what to change, with no help after it.
    expect((await inProcess('inspect', 'x', '--sort', 'size')).err).toBe("pare: --sort must be one of file, name, params, bytes; found 'size'.\n");
    expect(await inProcess('shrink')).toMatchObject({ status: 2, err: expect.stringMatching(/^pare: unknown command 'shrink'; expected one of inspect/) });
    expect(await inProcess('inspect')).toMatchObject({ status: 2, err: expect.stringMatching(/^pare: 'pare inspect' takes one model path .* found none/) });
    expect(await inProcess('inspect', 'x', '--colour')).toMatchObject({ status: 2, err: expect.stringMatching(/^pare: Unknown option '--colour'/) });
    expect(await inProcess('inspect', 'x', '--sort', 'size')).toMatchObject({ status: 2, err: expect.stringContaining('--sort must be one of') });
  });

  it('--verify loads the model with stock TF.js and agrees on the parameter count', async () => {
    const { status, out } = await inProcess('inspect', join(REAL, 'human-emotion'), '--verify', '--json');
    expect(status).toBe(0);
    const inv = JSON.parse(out);
    expect(inv.stock).toEqual({ params: inv.params });
    expect(inv.params).toBe(205_129);
  });
});
