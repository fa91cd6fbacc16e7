/**
 * Where the time of one `pare optimize --sparsity 0.5 --quantize uint8` goes, phase by phase, in a fresh process
 * (`npx tsx scripts/bench-optimize-phases.ts [millions of parameters, default 25]`): reading the shards (readInput),
 * opening (openModel: parsing, the NaN check), the recipe (applyRecipe), laying out the export (exportVariant) and
 * writing it (writeOutputFiles into a new temporary folder). The same calls `pare optimize` makes, in its order,
 * without the summary. Prints wall, CPU and system time of each: system time is the kernel's (page faults on new
 * buffers, copies to and from the page cache), which no change to Pare's code removes. BENCH_RUNS=3 runs the whole
 * sequence three times, each in its own process. Uses the synthetic model bench-optimize.ts keeps in the temp folder.
 * BENCH_PARE_ROOT times another checkout's sources (for figures before a change).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeSyntheticModel } from './synthetic-model';

const [millions = '25', child] = process.argv.slice(2);
const size = Number(millions) * 1e6;
const dir = join(tmpdir(), `pare-bench-model-${size}`);

if (child !== 'child') {
  if (!existsSync(join(dir, 'model.json'))) await writeSyntheticModel(dir, size);
  const runs = Number(process.env.BENCH_RUNS ?? 1);
  const tsx = join(import.meta.dirname, '..', 'node_modules', 'tsx', 'dist', 'cli.mjs');
  console.log(`pare optimize on ${dir}, phase by phase, one fresh process per run`);
  for (let r = 0; r < runs; r++) {
    const out = execFileSync(process.execPath, ['--max-old-space-size=8192', tsx, import.meta.filename, millions, 'child'], { encoding: 'utf8' });
    process.stdout.write(`run ${r + 1}\n${out}`);
  }
} else {
  const root = resolve(process.env.BENCH_PARE_ROOT ?? join(import.meta.dirname, '..'));
  const load = <T>(path: string): Promise<T> => import(pathToFileURL(join(root, path)).href) as Promise<T>;
  const [{ readInput }, { openModel }, { applyRecipe }, { exportVariant }, { writeOutputFiles }, { parseRecipe }] = await Promise.all([
    load<typeof import('../src/cli/read-input')>('src/cli/read-input.ts'),
    load<typeof import('../src/formats/index')>('src/formats/index.ts'),
    load<typeof import('../src/recipe/apply')>('src/recipe/apply.ts'),
    load<typeof import('../src/export/index')>('src/export/index.ts'),
    load<typeof import('../src/cli/write-output')>('src/cli/write-output.ts'),
    load<typeof import('../src/recipe/schema')>('src/recipe/schema.ts'),
  ]);
  const recipe = parseRecipe({ pare: 'recipe', version: 1, prune: { sparsity: 0.5 }, quantize: { default: 'uint8' } });
  const rows: string[] = [];
  const phase = async <T>(label: string, work: () => Promise<T> | T): Promise<T> => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const result = await work();
    const wall = performance.now() - t0;
    const c = process.cpuUsage(c0);
    rows.push(`  ${label.padEnd(8)}${wall.toFixed(1).padStart(8)} ms wall${((c.user + c.system) / 1000).toFixed(1).padStart(8)} ms cpu${(c.system / 1000).toFixed(1).padStart(8)} ms sys`);
    return result;
  };
  const out = await mkdtemp(join(tmpdir(), 'pare-bench-phases-'));
  try {
    const files = await phase('read', () => readInput(dir));
    const model = await phase('open', () => openModel(files));
    const variant = await phase('apply', () => applyRecipe(model, recipe));
    const made = await phase('export', () => exportVariant(model, variant, recipe));
    await phase('write', () => writeOutputFiles(out, made.files));
  } finally {
    await rm(out, { recursive: true, force: true });
  }
  console.log(rows.join('\n'));
}
