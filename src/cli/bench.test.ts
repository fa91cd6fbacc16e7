/**
 * `pare bench` on the shipped MLP sample, on wasm and cpu: the JSON carries the fields with consistent
 * statistics and the run count asked for; bad options and inputs exit non-zero with a message. No speed is
 * asserted: only that times are positive and ordered.
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { quantile } from '../benchmark/stats';
import { msText, runPlan, type BenchSummary } from './bench';
import { ROOT, runPare, spawnPare } from './testing/run-pare';

const MLP = join(ROOT, 'public/samples/fashion-mlp');
const HANDTRACK = join(ROOT, '.fixtures/real/human-handtrack');

function expectConsistent(s: BenchSummary, runs: number): void {
  for (const key of ['backend', 'wasm', 'medianMs', 'p10Ms', 'p90Ms', 'coldMs', 'runs', 'loadMs', 'peakBytes']) expect(s).toHaveProperty(key);
  expect(s.wasm).toMatchObject({ simd: true, threads: 1, binary: 'simd', available: true });
  expect(s.runs).toBe(runs);
  expect(s.timesMs).toHaveLength(runs);
  expect(s.medianMs).toBeGreaterThan(0);
  expect(s.p10Ms).toBeLessThanOrEqual(s.medianMs);
  expect(s.medianMs).toBeLessThanOrEqual(s.p90Ms);
  expect(s.minMs).toBeLessThanOrEqual(s.p10Ms);
  expect(s.p90Ms).toBeLessThanOrEqual(s.maxMs);
  // The statistics are those of the reported runs.
  expect(s.medianMs).toBeCloseTo(quantile(s.timesMs, 0.5), 9);
  expect(s.p90Ms).toBeCloseTo(quantile(s.timesMs, 0.9), 9);
  expect(s.coldMs).toBeGreaterThan(0);
  expect(s.loadMs).toBeGreaterThan(0);
  // At least the weights: 266,610 float32 parameters.
  expect(s.peakBytes).toBeGreaterThanOrEqual(266_610 * 4);
  expect(s).toMatchObject({ batch: 1, inputShape: [1, 28, 28, 1], model: { format: 'layers-model', file: 'fashion-mlp/model.json' } });
}

describe('pare bench --json on the MLP sample', () => {
  it.each(['wasm', 'cpu'] as const)('%s: the fields, ordered statistics and the runs asked for', { timeout: 60_000 }, async (backend) => {
    const tensors = tf.memory().numTensors;
    const r = await runPare('bench', MLP, '--backend', backend, '--runs', '7', '--json');
    expect(r.err).toBe('');
    expect(r.status).toBe(0);
    const s = JSON.parse(r.out) as BenchSummary;
    expect(s.backend).toBe(backend);
    expect(tf.getBackend()).toBe(backend);
    expectConsistent(s, 7);
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it('spawned, with the default backend (wasm), a batch of 4 and no warm-up', { timeout: 60_000 }, async () => {
    const r = await spawnPare('bench', MLP, '--batch', '4', '--runs', '3', '--warmup', '0', '--json');
    expect(r.err).toBe(''); // stderr is not a terminal: no progress
    expect(r.status).toBe(0);
    const s = JSON.parse(r.out) as BenchSummary;
    expect(s).toMatchObject({ backend: 'wasm', batch: 4, inputShape: [4, 28, 28, 1], runs: 3, warmup: 0 });
  });

  it('prints a readable report', { timeout: 60_000 }, async () => {
    const r = await runPare('bench', MLP, '--runs', '3');
    expect(r.status).toBe(0);
    expect(r.out).toMatch(/^fashion-mlp\/model\.json \(layers-model\) on wasm \(simd binary, 1 thread\), batch 1, input \[1, 28, 28, 1\]$/m);
    for (const line of ['median', 'p10', 'p90', 'cold', 'load']) expect(r.out).toMatch(new RegExp(`^${line}\\s+\\d[\\d.,]* ms`, 'm'));
    expect(r.out).toMatch(/^runs\s+3 timed, after the cold run and 3 warm-up runs/m);
    expect(r.out).toContain('quantization makes the file smaller, not inference faster');
  });
});

describe('pare bench options and errors', () => {
  it('plans runs from --runs and --budget-ms', () => {
    expect(runPlan(undefined, undefined)).toEqual({ minRuns: 10, maxRuns: 200, budgetMs: 5000 });
    expect(runPlan('25', undefined)).toEqual({ minRuns: 25, maxRuns: 25, budgetMs: 0 });
    expect(runPlan(undefined, '800')).toEqual({ minRuns: 10, maxRuns: 200, budgetMs: 800 });
    expect(runPlan('25', '800')).toEqual({ minRuns: 1, maxRuns: 25, budgetMs: 800 });
    expect(() => runPlan('0', undefined)).toThrow("--runs must be a whole number of at least 1; found '0'.");
    expect(() => runPlan(undefined, 'soon')).toThrow("--budget-ms must be a number of milliseconds, 0 or more; found 'soon'.");
    expect(msText(0.21345)).toBe('0.213 ms');
    expect(msText(12.44)).toBe('12.4 ms');
    expect(msText(1234.5)).toBe('1,235 ms');
  });

  it('bad options and inputs exit non-zero with one line saying what is wrong', { timeout: 60_000 }, async () => {
    const cases: [string[], number, RegExp][] = [
      [['bench', MLP, '--backend', 'webgl'], 2, /^pare: --backend must be one of wasm, cpu; found 'webgl'\.$/],
      [['bench', join(ROOT, 'public/samples/data/labels.txt')], 1, /^pare: 'labels\.txt' is not a TF\.js model; expected a TF\.js model JSON/],
      [['bench', join(ROOT, 'no-such-model')], 2, /^pare: There is no file or folder at '.*no-such-model'\.$/],
      [['bench'], 2, /^pare: 'pare bench' takes one model path .* found none/],
      [['bench', MLP, '--batch', '1.5'], 2, /^pare: --batch must be a whole number of at least 1; found '1\.5'\.$/],
      [['bench', MLP, '--warmup', '-1'], 2, /^pare: Option '--warmup' argument is ambiguous/],
      [['bench', MLP, '--warmup', 'x'], 2, /^pare: --warmup must be a whole number, 0 or more; found 'x'\.$/],
      [['bench', MLP, '--runs'], 2, /^pare: Option '--runs <value>' argument missing/],
      // A graph model exported for batches of one cannot take four.
      [['bench', HANDTRACK, '--batch', '4', '--runs', '1'], 2, /^pare: The model's input \[1, null, null, 3\] takes batches of 1 only; a batch of 4 was asked for\.$/],
    ];
    for (const [args, status, message] of cases) {
      const r = await runPare(...args);
      expect(r.out, args.join(' ')).toBe('');
      expect(r.err.trimEnd(), args.join(' ')).toMatch(message);
      expect(r.status, args.join(' ')).toBe(status);
    }
  });

  it('--help documents the options and the JSON', async () => {
    const r = await runPare('bench', '--help');
    expect(r.status).toBe(0);
    expect(r.out).toContain('Usage: pare bench <model.json | folder | model.zip> [options]');
    for (const s of ['--backend', '--batch', '--runs', '--budget-ms', '--warmup', '--json', 'medianMs', 'p10Ms', 'coldMs', 'loadMs']) expect(r.out).toContain(s);
    expect((await runPare('--help')).out).toMatch(/^\s+bench\s+Measure inference latency/m);
  });
});
