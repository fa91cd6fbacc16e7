/**
 * `pare bench <model>`: inference latency on this machine with the same harness as the studio (benchmarkLatency):
 * load time, one cold run, warm-up runs, then timed runs until a count or a time budget; median, p10 and p90,
 * and peak tensor memory. wasm by default (SIMD, 1 thread in Node), cpu on request.
 */
import type { LatencyResult } from '../benchmark/latency';
import { PareError } from '../errors';
import { openModel } from '../formats/index';
import { onePositional, parseCommandArgs } from './args';
import { backendText, parseBackend, terminalProgress, useBackend, type CliBackend, type WasmRuntime } from './backend';
import type { CliIO, Command } from './command';
import { positiveIntFlag } from './eval';
import { readInput } from './read-input';
import { formatBytes } from '../text/wording';
import { count, shapeText } from './text-table';

/**
 * What `pare bench --json` prints: the harness's statistics (see LatencyResult; a completed run, so no `complete`)
 * with what the command adds about the model, the runtime and its own timings.
 */
export interface BenchSummary extends Omit<LatencyResult, 'backend' | 'complete'> {
  model: { path: string; file: string; format: string };
  backend: CliBackend;
  /** The wasm runtime of this machine (which binary, SIMD, threads), whichever backend was measured. */
  wasm: WasmRuntime;
  tfjsVersion: string;
  warmup: number;
  /** Reading the files from disk and checking them (openModel), before loading. */
  openMs: number;
}

/** How many timed runs, from --runs and --budget-ms (see the help). */
export function runPlan(runs: string | undefined, budget: string | undefined): { minRuns: number; maxRuns: number; budgetMs: number } {
  let budgetMs: number | undefined;
  if (budget !== undefined) {
    budgetMs = Number(budget);
    if (budget.trim() === '' || !Number.isFinite(budgetMs) || budgetMs < 0) {
      throw new PareError('bad-options', `--budget-ms must be a number of milliseconds, 0 or more; found '${budget}'.`);
    }
  }
  if (runs !== undefined) {
    const n = positiveIntFlag('--runs', runs, 1);
    // Exactly n runs; with a budget too, at most n and at least one.
    return budgetMs === undefined ? { minRuns: n, maxRuns: n, budgetMs: 0 } : { minRuns: 1, maxRuns: n, budgetMs };
  }
  return { minRuns: 10, maxRuns: 200, budgetMs: budgetMs ?? 5000 };
}

/** Milliseconds with three significant digits ("0.213 ms", "12.4 ms", "1,234 ms"). */
export function msText(ms: number): string {
  return ms >= 1000 ? `${count(Math.round(ms))} ms` : `${Number(ms.toPrecision(3))} ms`;
}

/** The human-readable report. */
export function renderBench(s: BenchSummary): string {
  return [
    `${s.model.file} (${s.model.format}) on ${backendText(s.backend, s.wasm)}, batch ${s.batch}, input ${shapeText(s.inputShape)}`,
    '',
    `median   ${msText(s.medianMs)}`,
    `p10      ${msText(s.p10Ms)}`,
    `p90      ${msText(s.p90Ms)}`,
    `cold     ${msText(s.coldMs)}  (the first run after loading)`,
    `load     ${msText(s.loadMs)}  (stock TF.js loading the model from memory; reading and checking the files took ${msText(s.openMs)})`,
    `runs     ${count(s.runs)} timed, after the cold run and ${s.warmup} warm-up run${s.warmup === 1 ? '' : 's'} (min ${msText(s.minMs)}, max ${msText(s.maxMs)})`,
    `memory   ${formatBytes(s.peakBytes)} peak tensor memory in one run, weights included`,
    '',
    'Inputs are generated in the range the model takes. Quantized weights are turned back into float32 when the',
    'model loads, so quantization makes the file smaller, not inference faster.',
  ].join('\n');
}

export const benchCommand: Command = {
  name: 'bench',
  summary: 'Measure inference latency on this machine (wasm or cpu backend): median, p10, p90, cold, load.',
  help: `Usage: pare bench <model.json | folder | model.zip> [options]

Measures how long one prediction takes on this machine, with the harness the studio uses: the model is loaded
with stock TF.js (timed), run once cold, then a few untimed warm-up runs, then timed runs until a count or a
time budget. Each run feeds generated inputs in the range the model takes and reads the output back, so the time
includes the backend's work. Reports median, p10 and p90 (numpy's linear quantiles), the cold run, load time and
peak tensor memory.

Options:
  --backend <name>     wasm (default; in Node the SIMD binary with 1 thread) or cpu (pure JavaScript).
  --batch <n>          Samples per run (default 1).
  --runs <n>           Exactly n timed runs. With --budget-ms too: at most n, stopping once the budget is spent.
  --budget-ms <ms>     Time budget for the timed runs (default 5000): at least 10 and at most 200 runs.
  --warmup <n>         Untimed runs after the cold run (default 3; 0 for none).
  --json               Print {backend, wasm: {simd, threads, binary, available}, medianMs, p10Ms, p90Ms, coldMs,
                       runs, loadMs, peakBytes, meanMs, minMs, maxMs, batch, inputShape, timesMs, ...}.
  -h, --help           Show this help.

Progress goes to stderr when it is a terminal. Speeds vary with what else the machine is doing: compare models
in the same session.

Examples:
  npm run pare -- bench public/samples/fashion-cnn
  npm run pare -- bench model.json --backend cpu --batch 32 --runs 50 --json`,

  async run(args: string[], io: CliIO): Promise<number> {
    const { values, positionals } = parseCommandArgs('bench', args, {
      backend: { type: 'string' },
      batch: { type: 'string' },
      runs: { type: 'string' },
      'budget-ms': { type: 'string' },
      warmup: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) {
      io.out(this.help + '\n');
      return 0;
    }
    const path = onePositional('bench', positionals, 'model path (a model JSON file, a folder or a .zip)');
    const backend = parseBackend(values.backend);
    const batch = positiveIntFlag('--batch', values.batch, 1);
    const plan = runPlan(values.runs, values['budget-ms']);
    let warmup = 3;
    if (values.warmup !== undefined) {
      warmup = Number(values.warmup);
      if (values.warmup.trim() === '' || !Number.isInteger(warmup) || warmup < 0) {
        throw new PareError('bad-options', `--warmup must be a whole number, 0 or more; found '${values.warmup}'.`);
      }
    }

    const openStart = performance.now();
    const model = await openModel(await readInput(path));
    const openMs = performance.now() - openStart;
    const runtime = await useBackend(backend);
    // TF.js is loaded only now (see backend.ts).
    const [{ benchmarkLatency }, { loadTfModel }] = await Promise.all([import('../benchmark/latency'), import('../model/load-tf')]);
    const progress = terminalProgress(`timing on ${backend}`);
    try {
      const r = await benchmarkLatency(() => loadTfModel(model.artifacts, model.format), {
        batch,
        warmup,
        ...plan,
        metadata: model.artifacts.userDefinedMetadata,
        onProgress: (p) => progress.report(p.done, p.total, p.etaMs),
      });
      progress.clear();
      const summary: BenchSummary = {
        model: { path, file: model.modelJsonName, format: model.format },
        backend: runtime.backend,
        wasm: runtime.wasm,
        tfjsVersion: runtime.tfjsVersion,
        batch: r.batch,
        inputShape: r.inputShape,
        medianMs: r.medianMs,
        p10Ms: r.p10Ms,
        p90Ms: r.p90Ms,
        meanMs: r.meanMs,
        minMs: r.minMs,
        maxMs: r.maxMs,
        coldMs: r.coldMs,
        runs: r.runs,
        warmup,
        loadMs: r.loadMs,
        openMs,
        peakBytes: r.peakBytes,
        timesMs: r.timesMs,
      };
      io.out((values.json ? JSON.stringify(summary, null, 2) : renderBench(summary)) + '\n');
      return 0;
    } finally {
      progress.clear();
    }
  },
};
