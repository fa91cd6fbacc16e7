/**
 * One measurement of `npm run bench:optimize`, run in a fresh process so that its peak memory is its own:
 *   tsx scripts/bench-optimize-child.ts <task> <model dir> <out dir>
 * Tasks:
 *   optimize  the real command, in process: runCli(['optimize', dir, '--out', out, '--sparsity', '0.5',
 *             '--quantize', 'uint8', '--json']) — reading, opening, the recipe, writing, the summary
 *   apply     the model opened (untimed), then applyRecipe with the same recipe: the product's kernels
 *   kernels   the model opened (untimed), then the bare kernels: pruneGlobal to 50% over the prunable tensors and
 *             quantizeAffine to 8 bits of every tensor
 *   inspect   runCli(['inspect', dir, '--json']) in process (the parent passes it the uint8 export of optimize)
 *   copy      the model opened (untimed), then TypedArray.set of every weight into buffers allocated beforehand
 *             (after one warm-up pass): the least any pass over the weights costs
 *   alloc     the model opened (untimed), then a new copy of every weight (`slice`): what any kernel that writes
 *             new arrays pays before it computes anything (fresh pages, zeroed by the OS)
 *   read      the model opened (untimed), then one scalar JavaScript loop over every weight's bits (a sum, after one
 *             warm-up pass): the least any pass of a JavaScript kernel costs, without SIMD
 *   code      the model opened (untimed), then one pass of the product's fused kernel (kernels.wat codeBracket) over
 *             every weight, 8-bit codes into new arrays, with each tensor's grid and a threshold (half its largest
 *             magnitude) given beforehand: applyRecipe's own coding without its global selection (the sample, the
 *             exact threshold, the recoding), so the least this design of a uint8 apply costs in a fresh process
 *   idle      the CLI's modules loaded and nothing else: the memory every task pays before it reads a byte
 * Prints one JSON line: wall and CPU ms of the timed part, peak RSS of the process, the peak of heap +
 * ArrayBuffer memory sampled every 20 ms, and whether TF.js was loaded by the end. BENCH_PARE_ROOT points at another checkout's sources (for figures
 * before a change); it defaults to this one.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [task, dir, out] = process.argv.slice(2) as [string, string, string];
const root = resolve(process.env.BENCH_PARE_ROOT ?? join(import.meta.dirname, '..'));
const load = <T>(path: string): Promise<T> => import(pathToFileURL(join(root, path)).href) as Promise<T>;

let peakJs = 0;
const sample = () => {
  const m = process.memoryUsage();
  peakJs = Math.max(peakJs, m.heapUsed + m.arrayBuffers);
};
const sampler = setInterval(sample, 20);

async function opened() {
  const [{ openModel }, { readInput }] = await Promise.all([
    load<typeof import('../src/formats/index')>('src/formats/index.ts'),
    load<typeof import('../src/cli/read-input')>('src/cli/read-input.ts'),
  ]);
  return openModel(await readInput(dir));
}

async function run(): Promise<() => Promise<unknown>> {
  const { parseRecipe } = await load<typeof import('../src/recipe/schema')>('src/recipe/schema.ts');
  // Opening a model may load TF.js (its stock-loader checks): about 0.7 s of CPU and 60 MiB the first time. For the
  // tasks that open the model before the clock it is loaded first for every root alike, so their times compare the
  // work on the weights. `optimize` and `inspect` load what they need themselves, as a user's run does: since the
  // large layers models here open without TF.js (formats/stock-layer-classes.ts), a root that still loads it pays
  // for it in their CPU time and peak RSS. (The idle task loads nothing: its RSS is what start-up costs.)
  if (task !== 'idle' && task !== 'optimize' && task !== 'inspect') await import('@tensorflow/tfjs');
  const recipe = parseRecipe({ pare: 'recipe', version: 1, prune: { sparsity: 0.5 }, quantize: { default: 'uint8' } });
  if (task === 'optimize') {
    const { runCli } = await load<typeof import('../src/cli/main')>('src/cli/main.ts');
    return async () => {
      let text = '';
      const status = await runCli(['optimize', dir, '--out', out, '--sparsity', '0.5', '--quantize', 'uint8', '--json'], {
        out: (t) => (text += t),
        err: (t) => process.stderr.write(t),
      });
      if (status !== 0) throw new Error(`pare optimize exited with ${status}`);
      return JSON.parse(text);
    };
  }
  if (task === 'inspect') {
    const { runCli } = await load<typeof import('../src/cli/main')>('src/cli/main.ts');
    return async () => {
      let text = '';
      const status = await runCli(['inspect', dir, '--json'], { out: (t) => (text += t), err: (t) => process.stderr.write(t) });
      if (status !== 0) throw new Error(`pare inspect exited with ${status}`);
      return JSON.parse(text);
    };
  }
  if (task === 'idle') {
    await load<typeof import('../src/cli/main')>('src/cli/main.ts');
    return async () => {};
  }
  const model = await opened();
  if (task === 'apply') {
    const { applyRecipe } = await load<typeof import('../src/recipe/apply')>('src/recipe/apply.ts');
    return () => applyRecipe(model, recipe);
  }
  if (task === 'kernels') {
    const [{ pruneGlobal }, { quantizeAffine }] = await Promise.all([
      load<typeof import('../src/prune/index')>('src/prune/index.ts'),
      load<typeof import('../src/quantize/index')>('src/quantize/index.ts'),
    ]);
    return async () => {
      const idx = model.weights.flatMap((w, i) => (w.prunable ? [i] : []));
      const pruned = pruneGlobal(idx.map((i) => model.weights[i]!.values as Float32Array), 0.5);
      const values = model.weights.map((w) => w.values as Float32Array);
      idx.forEach((i, j) => (values[i] = pruned.values[j]!));
      return values.map((v) => quantizeAffine(v, 8));
    };
  }
  if (task === 'alloc') {
    const sources = model.weights.map((w) => w.values);
    const copy = async () => sources.map((s) => s.slice());
    await copy(); // warm: the loop compiled (its arrays are let go)
    return copy;
  }
  if (task === 'read') {
    const sources = model.weights.map((w) => new Int32Array(w.values.buffer, w.values.byteOffset, w.values.length));
    const sum = (a: Int32Array) => {
      let s = 0; // a local: a captured variable would be written to its closure's context on every element
      for (let i = 0, n = a.length; i < n; i++) s = (s + a[i]!) | 0;
      return s;
    };
    const read = async () => sources.reduce((total, a) => (total + sum(a)) | 0, 0);
    await read();
    return read;
  }
  if (task === 'code') {
    const [{ simdKernels, float32Coding }, { knownRange }, { affineParams }, { codeOf }, { magnitudeKey }, { bitsOf }] = await Promise.all([
      load<typeof import('../src/simd/kernels')>('src/simd/kernels.ts'),
      load<typeof import('../src/model/known-ranges')>('src/model/known-ranges.ts'),
      load<typeof import('../src/quantize/params')>('src/quantize/params.ts'),
      load<typeof import('../src/quantize/pruned-affine')>('src/quantize/pruned-affine.ts'),
      load<typeof import('../src/prune/pruned-range')>('src/prune/pruned-range.ts'),
      load<typeof import('../src/prune/select')>('src/prune/select.ts'),
    ]);
    const simd = simdKernels();
    if (!simd) throw new Error('The code task needs WebAssembly SIMD.');
    const passes = model.weights.map((w) => {
      const values = w.values as Float32Array;
      const range = knownRange(values); // noted when the model was opened
      if (!range) throw new Error(`No range noted for ${w.name}.`);
      const grid = affineParams(range.min, range.max, 8);
      const z0 = codeOf(0, grid);
      const p = { t: 0, scale: grid.scale, min: grid.min, max: grid.max, qmax: 255, z0, zc: z0 };
      const coding = float32Coding(p);
      if (!coding) throw new Error(`No float32 coding for ${w.name}.`);
      const lo = magnitudeKey(Math.max(-range.min, range.max) / 2);
      return { source: bitsOf(values), p, coding, lo };
    });
    const keys = new Int32Array(1 << 20);
    const indices = new Int32Array(1 << 20);
    const state = new Int32Array(4);
    const pass = (tensors: typeof passes) =>
      tensors.map(({ source, p, coding, lo }) => {
        const codes = new Uint8Array(source.length);
        state.fill(0);
        simd.codeBracket(source, lo, 0, p, coding, codes, keys, indices, 16, state);
        // The kernel stops early when its bracket overflows: then this pass would not have coded every weight.
        if (state[0]! > keys.length - 16) throw new Error('The coding pass stopped early: its bracket overflowed.');
        return codes;
      });
    pass(passes.slice(0, 1)); // warm: the JS loop compiled (the module is warmed as it loads)
    return async () => pass(passes);
  }
  if (task === 'copy') {
    const sources = model.weights.map((w) => w.values);
    const targets = sources.map((s) => new Float32Array(s.length));
    const copy = async () => sources.forEach((s, i) => targets[i]!.set(s));
    await copy(); // warm: pages of the targets touched, the loop compiled
    return copy;
  }
  throw new Error(`Unknown task '${task}'; expected optimize, inspect, apply, kernels, code, copy, alloc, read or idle.`);
}

const timed = await run();
sample();
const c0 = process.cpuUsage();
const t0 = performance.now();
await timed();
const wallMs = performance.now() - t0;
const c = process.cpuUsage(c0);
sample();
clearInterval(sampler);
const version = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')).version as string;
// Whether TF.js was loaded by the end (its engine global): for optimize and inspect, whether the command loaded it.
const tfLoaded = (globalThis as { _tfengine?: unknown })._tfengine !== undefined;
console.log(
  JSON.stringify({ task, root, version, wallMs, cpuMs: (c.user + c.system) / 1000, peakRssBytes: process.resourceUsage().maxRSS * 1024, peakJsBytes: peakJs, tfLoaded }),
);
