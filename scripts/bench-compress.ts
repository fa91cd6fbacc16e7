/**
 * Benchmark of the compression kernels on a synthetic 25-million-parameter model (`npm run bench`).
 *
 * Measured in the same run, each repeated and reported as the median:
 *   copy      one plain copy of all weights (new Float32Array + set): the reference
 *   compress  global magnitude pruning to 50% + uint8 quantization of every tensor (what `pare optimize
 *             --sparsity 0.5 --quantize uint8` does to the numbers)
 *   select    the pruning threshold by radix selection (what pruneGlobal uses)
 *   sort      the same threshold by a full sort of |w| (the naive way)
 * and prints parameters per second and the ratios compress/copy (target: within 10x) and sort/select (target: at
 * least 5x). Speed is measured here, never asserted in tests.
 */
import { bitsOf, kthSmallestKey, pruneGlobal, valueOfKey } from '../src/prune/index';
import { quantizeAffine } from '../src/quantize/index';
import { seededRandom } from '../src/seeded-random';

const TOTAL = 25_000_000;
const REPEATS = Number(process.env.BENCH_REPEATS ?? 5);
const SPARSITY = 0.5;

/** Realistic shapes: an embedding, dense layers and convolution kernels; the last one takes up the remainder. */
const SHAPES: [string, number[]][] = [
  ['embedding', [30000, 256]],
  ['dense_1/kernel', [4096, 1024]],
  ['dense_2/kernel', [1024, 4096]],
  ['conv5/kernel', [3, 3, 512, 512]],
  ['conv4/kernel', [3, 3, 256, 512]],
  ['conv3/kernel', [3, 3, 128, 256]],
  ['conv2/kernel', [3, 3, 64, 128]],
  ['conv1/kernel', [3, 3, 3, 64]],
  ['depthwise/kernel', [3, 3, 512, 1]],
];


function buildModel(): { name: string; values: Float32Array }[] {
  const rand = seededRandom(20240607);
  const tensors: { name: string; values: Float32Array }[] = [];
  let used = 0;
  for (const [name, shape] of SHAPES) {
    const n = shape.reduce((a, b) => a * b, 1);
    tensors.push({ name, values: normal(n, Math.sqrt(2 / (n / shape[shape.length - 1])), rand) });
    used += n;
  }
  tensors.push({ name: 'dense_3/kernel', values: normal(TOTAL - used, 0.02, rand) });
  return tensors;
}

/** He-style normal weights (Box-Muller). */
function normal(n: number, sd: number, rand: () => number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const r = sd * Math.sqrt(-2 * Math.log(1 - rand()));
    const t = 2 * Math.PI * rand();
    out[i] = r * Math.cos(t);
    if (i + 1 < n) out[i + 1] = r * Math.sin(t);
  }
  return out;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

interface Timing {
  wall: number;
  cpu: number;
}

/**
 * Wall-clock and CPU time of one call, in ms. CPU time (this process, all threads) is what a quiet machine would
 * show as wall time; on a shared machine wall time also counts the time other processes held the core.
 */
function measure(fn: () => unknown): Timing {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  fn();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1000 };
}

function copyAll(weights: Float32Array[]): Float32Array[] {
  return weights.map((w) => {
    const out = new Float32Array(w.length);
    out.set(w);
    return out;
  });
}

function compress(weights: Float32Array[]) {
  const pruned = pruneGlobal(weights, SPARSITY);
  const quantized = pruned.values.map((v, t) => quantizeAffine(v, 8, { dataRange: pruned.ranges[t] }));
  return { pruned, quantized };
}

function selectThreshold(weights: Float32Array[], k: number): number {
  return valueOfKey(kthSmallestKey(weights.map(bitsOf), k, 'magnitude').key, 'magnitude');
}

function sortThreshold(weights: Float32Array[], k: number): number {
  const all = new Float32Array(TOTAL);
  let o = 0;
  for (const w of weights) for (let i = 0; i < w.length; i++) all[o++] = Math.abs(w[i]);
  all.sort();
  return all[k - 1];
}

const fmt = (x: number) => x.toLocaleString('en-US', { maximumFractionDigits: 1 });
const rate = (ms: number) => `${fmt(TOTAL / (ms / 1000) / 1e6)} M params/s`;

const model = buildModel();
const weights = model.map((t) => t.values);
const k = Math.round(SPARSITY * TOTAL);
console.log(`Synthetic model: ${model.length} tensors, ${fmt(TOTAL)} float32 parameters (${fmt((TOTAL * 4) / 2 ** 20)} MiB); medians of ${REPEATS} rounds.`);

// Warm-up (also checks the results), then rounds that measure everything back to back, so that each ratio compares
// runs made under the same conditions; the report gives medians over rounds.
const check = compress(weights);
const selected = selectThreshold(weights, k);
const sorted = sortThreshold(weights, k);
if (selected !== sorted || selected !== check.pruned.threshold) {
  throw new Error(`Thresholds disagree: select ${selected}, sort ${sorted}, prune ${check.pruned.threshold}.`);
}
if (check.pruned.totalZeros !== k) throw new Error(`Pruning left ${check.pruned.totalZeros} zeros, not ${k}.`);

const names = ['copy', 'prune', 'quantize', 'compress', 'select', 'sort'] as const;
const runs: Record<(typeof names)[number], Timing[]> = { copy: [], prune: [], quantize: [], compress: [], select: [], sort: [] };
const ratios = { compressWall: [] as number[], compressCpu: [] as number[], sortWall: [] as number[], sortCpu: [] as number[] };
for (let r = 0; r < REPEATS; r++) {
  const t = {
    copy: measure(() => copyAll(weights)),
    prune: measure(() => pruneGlobal(weights, SPARSITY)),
    quantize: measure(() => check.pruned.values.map((v, t) => quantizeAffine(v, 8, { dataRange: check.pruned.ranges[t] }))),
    compress: measure(() => compress(weights)),
    select: measure(() => selectThreshold(weights, k)),
    sort: measure(() => sortThreshold(weights, k)),
  };
  for (const n of names) runs[n].push(t[n]);
  ratios.compressWall.push(t.compress.wall / t.copy.wall);
  ratios.compressCpu.push(t.compress.cpu / t.copy.cpu);
  ratios.sortWall.push(t.sort.wall / t.select.wall);
  ratios.sortCpu.push(t.sort.cpu / t.select.cpu);
}

const labels: Record<(typeof names)[number], string> = {
  copy: 'copy (reference)',
  prune: 'prune 50% (global)',
  quantize: 'quantize uint8 (all tensors)',
  compress: 'compress = prune + quantize',
  select: 'threshold by selection',
  sort: 'threshold by full sort',
};
console.log(`${''.padEnd(30)} ${'wall ms'.padStart(9)} ${'cpu ms'.padStart(9)}  ${'params/s (cpu)'.padStart(20)}`);
for (const n of names) {
  const wall = median(runs[n].map((x) => x.wall));
  const cpu = median(runs[n].map((x) => x.cpu));
  console.log(`${labels[n].padEnd(30)} ${fmt(wall).padStart(9)} ${fmt(cpu).padStart(9)}  ${rate(cpu).padStart(20)}`);
}
const cR = median(ratios.compressCpu);
const sR = median(ratios.sortCpu);
console.log(
  `compress / copy:  ${cR.toFixed(2)}x cpu, ${median(ratios.compressWall).toFixed(2)}x wall  (target: within 10x)  ${cR <= 10 ? 'met' : 'NOT met'}`,
);
console.log(
  `sort / selection: ${sR.toFixed(1)}x cpu, ${median(ratios.sortWall).toFixed(1)}x wall  (target: at least 5x)  ${sR >= 5 ? 'met' : 'NOT met'}`,
);
