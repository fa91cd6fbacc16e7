/**
 * End-to-end benchmark of `pare optimize` (`npm run bench:optimize`): the command a user runs, on synthetic
 * layers models of 25M and 100M float32 parameters (BENCH_SIZES=25,100 in millions), against the product's kernels
 * (applyRecipe), the bare kernels (pruneGlobal + quantizeAffine), a warm typed-array copy, an allocating one
 * (`slice`: fresh pages, as every kernel output needs), one scalar JavaScript pass over the weights and one pass of the
 * product's coding kernel with the threshold given (what applyRecipe costs without its global selection), all on the
 * same model and in the same run. Each measurement runs in its own process (scripts/bench-optimize-child.ts), so its
 * peak memory is its own; the recipe is `--sparsity 0.5 --quantize uint8`. BENCH_RUNS=3 runs every task three
 * times (alternating tasks, so that a burst of load on the shared machine hits them alike) and prints medians.
 *
 * Prints wall and CPU time, peak RSS and peak JS memory (heap + ArrayBuffers) per task, then the ratios the issue
 * set as targets: optimize within 3x of applyRecipe, applyRecipe within 5x of the warm copy, peak RSS of optimize
 * at most 3x the float32 weights (also net of the RSS of a process that loaded the CLI's modules and nothing else,
 * which weighs most at 25M); and `pare inspect` of the uint8 export, which needs no decoded weights. `optimize` and
 * `inspect` load TF.js themselves if they need it (the other tasks load it before the clock), and say whether they did. The synthetic
 * models are kept in the OS temp folder between runs. Speed is measured here, never asserted in tests.
 * BENCH_PARE_ROOT measures another checkout (for figures before a change).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { writeSyntheticModel } from './synthetic-model';

const run = promisify(execFile);
const SIZES = (process.env.BENCH_SIZES ?? '25,100').split(',').map((s) => Number(s) * 1e6);
const TASKS = ['copy', 'alloc', 'read', 'code', 'kernels', 'apply', 'optimize'] as const;
const RUNS = Number(process.env.BENCH_RUNS ?? 1);
type Task = (typeof TASKS)[number];

interface Measured {
  wallMs: number;
  cpuMs: number;
  peakRssBytes: number;
  peakJsBytes: number;
  version: string;
  root: string;
  tfLoaded: boolean;
}

const tsx = join(import.meta.dirname, '..', 'node_modules', 'tsx', 'dist', 'cli.mjs');
const child = join(import.meta.dirname, 'bench-optimize-child.ts');

async function measureTask(task: Task | 'inspect' | 'idle', dir: string, out: string): Promise<Measured> {
  const { stdout } = await run(process.execPath, ['--max-old-space-size=8192', tsx, child, task, dir, out], { maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(stdout.trim().split('\n').pop()!) as Measured;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** Field by field median of several runs of one task. */
function medianOf(runs: Measured[]): Measured {
  const pick = (k: 'wallMs' | 'cpuMs' | 'peakRssBytes' | 'peakJsBytes') => median(runs.map((r) => r[k]));
  return { ...runs[0]!, wallMs: pick('wallMs'), cpuMs: pick('cpuMs'), peakRssBytes: pick('peakRssBytes'), peakJsBytes: pick('peakJsBytes') };
}

const fmt = (x: number, digits = 0) => x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const mib = (b: number) => `${fmt(b / 2 ** 20)} MiB`;

for (const size of SIZES) {
  const dir = join(tmpdir(), `pare-bench-model-${size}`);
  if (!existsSync(join(dir, 'model.json'))) await writeSyntheticModel(dir, size);
  const model = await modelSize(dir, size);
  const results = {} as Record<Task, Measured>;
  const out = await mkdtemp(join(tmpdir(), 'pare-bench-out-'));
  const runs = new Map<Task | 'inspect' | 'idle', Measured[]>();
  const note = (task: Task | 'inspect' | 'idle', m: Measured) => runs.set(task, [...(runs.get(task) ?? []), m]);
  try {
    for (let r = 0; r < RUNS; r++) {
      note('idle', await measureTask('idle', dir, out));
      for (const task of TASKS) note(task, await measureTask(task, dir, out));
      // `pare inspect` on what optimize wrote: uint8 codes, a quarter of the float32 bytes. Decoding them all would
      // need the float32 size again; inspect needs shapes and bytes only.
      note('inspect', await measureTask('inspect', out, out));
    }
  } finally {
    await rm(out, { recursive: true, force: true });
  }
  for (const task of TASKS) results[task] = medianOf(runs.get(task)!);
  const inspect = medianOf(runs.get('inspect')!);
  const idle = medianOf(runs.get('idle')!);
  const { root, version } = results.optimize;
  console.log(`\n${fmt(model.params)} float32 parameters (${mib(model.weightBytes)} of weights), pare ${version} at ${root}`);
  console.log(`${RUNS === 1 ? 'one run' : `medians of ${RUNS} runs`}; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')} at the end; idle process (the CLI's modules, no model) ${mib(idle.peakRssBytes)} RSS`);
  console.log(`${'task'.padEnd(34)}${'wall ms'.padStart(10)}${'cpu ms'.padStart(10)}${'peak RSS'.padStart(12)}${'x weights'.padStart(11)}${'peak JS'.padStart(12)}`);
  const labels: Record<Task, string> = {
    copy: 'warm copy (TypedArray.set)',
    alloc: 'allocating copy (slice)',
    read: 'one JS pass (sum of the bits)',
    code: 'one coding pass (codeBracket)',
    kernels: 'kernels (pruneGlobal + quantize)',
    apply: 'applyRecipe (product kernels)',
    optimize: 'pare optimize (end to end)',
  };
  for (const task of TASKS) {
    const r = results[task];
    console.log(
      `${labels[task].padEnd(34)}${fmt(r.wallMs).padStart(10)}${fmt(r.cpuMs).padStart(10)}${mib(r.peakRssBytes).padStart(12)}` +
        `${fmt(r.peakRssBytes / model.weightBytes, 2).padStart(11)}${mib(r.peakJsBytes).padStart(12)}`,
    );
  }
  console.log(
    `${'pare inspect (of the uint8 export)'.padEnd(34)}${fmt(inspect.wallMs).padStart(10)}${fmt(inspect.cpuMs).padStart(10)}` +
      `${mib(inspect.peakRssBytes).padStart(12)}${fmt(inspect.peakRssBytes / model.weightBytes, 2).padStart(11)}${mib(inspect.peakJsBytes).padStart(12)}`,
  );
  const ratio = (a: Task, b: Task) => results[a].cpuMs / results[b].cpuMs;
  const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
  const e2e = ratio('optimize', 'apply');
  const kernels = ratio('apply', 'copy');
  const memory = results.optimize.peakRssBytes / model.weightBytes;
  console.log(`optimize / applyRecipe:   ${fmt(e2e, 2)}x cpu (${fmt(results.optimize.wallMs / results.apply.wallMs, 2)}x wall)  target within 3x: ${verdict(e2e <= 3)}`);
  const e2eKernels = ratio('optimize', 'kernels');
  console.log(`optimize / bare kernels:  ${fmt(e2eKernels, 2)}x cpu  target within 3x: ${verdict(e2eKernels <= 3)}`);
  console.log(`applyRecipe / warm copy:  ${fmt(kernels, 1)}x cpu  target within 5x: ${verdict(kernels <= 5)}`);
  console.log(`bare kernels / warm copy: ${fmt(ratio('kernels', 'copy'), 1)}x cpu`);
  console.log(`applyRecipe / one coding pass: ${fmt(ratio('apply', 'code'), 1)}x cpu; one coding pass / warm copy: ${fmt(ratio('code', 'copy'), 1)}x (the product's kernel once over the weights, into fresh codes: the least this design pays)`);
  console.log(`applyRecipe / one JS pass: ${fmt(ratio('apply', 'read'), 1)}x cpu; one JS pass / warm copy: ${fmt(ratio('read', 'copy'), 1)}x (the floor of scalar JS)`);
  console.log(`applyRecipe / allocating copy: ${fmt(ratio('apply', 'alloc'), 1)}x cpu (the kernels write new arrays, a copy of the model's size and more)`);
  const net = (results.optimize.peakRssBytes - idle.peakRssBytes) / model.weightBytes;
  console.log(`optimize peak RSS:        ${fmt(memory, 2)}x the float32 weights  target at most 3x: ${verdict(memory <= 3)}`);
  console.log(`  above the idle process: ${fmt(net, 2)}x the float32 weights`);
  console.log(`TF.js loaded by pare optimize: ${results.optimize.tfLoaded ? 'yes' : 'no'}; by pare inspect: ${inspect.tfLoaded ? 'yes' : 'no'}`);
  console.log(`pare inspect:             ${fmt(inspect.cpuMs)} ms cpu, ${fmt((inspect.peakRssBytes - idle.peakRssBytes) / 2 ** 20)} MiB above the idle process (the export's codes are ${mib(model.weightBytes / 4)})`);
}

/** The exact size of a synthetic model already on disk (written by an earlier run). */
async function modelSize(dir: string, size: number): Promise<{ params: number; weightBytes: number }> {
  const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as { weightsManifest: { weights: { shape: number[] }[] }[] };
  const params = json.weightsManifest.flatMap((g) => g.weights).reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0);
  if (Math.abs(params - size) / size > 0.01) throw new Error(`${dir} holds ${params} parameters, not about ${size}; delete it.`);
  return { params, weightBytes: params * 4 };
}
