/**
 * `npm run bench:graph-auto`: the search at `--min-cosine 0.999` on real published models with no labels (the
 * @vladmandic/human graph models and nsfwjs' MobileNetV2), on real photographs from Debian packages, against plain
 * uint8 (`quantize` to uint8 by nearest rounding, every tensor the default covers).
 *
 * The photos are cut into seven square views each (src/data/testing/photo-crops.ts) and split by photo, never by
 * view: every fourth photo is held out and measures; of the others, the first five (in name order) calibrate and
 * the rest validate, as `pare auto --calibration <n> --validation <m>` splits a folder. The search runs as
 * `pare auto` runs (the CLI in this process, with --json), and its export is measured as written. Models with
 * several outputs are held to the target on each output; the held-out cosine printed is the worst output's.
 *
 * Prints, per model: bytes over the wire (model.json + shards, each gzip -9) of float32, of plain uint8 and of the
 * search's answer; the ratio uint8 / search; the held-out cosine of uint8 and of the answer; the search's time.
 *
 * Usage: nice -n 10 npm run bench:graph-auto -- [--models emotion,blazeface] [--bits 8,6,5,4] [--sparsities 0,0.3]
 *        [--refine 8] [--ordering curves|output-error] [--min-cosine 0.999] [--side 256] [--no-search]
 */
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { heldFidelity, heldOutputIndices } from '../src/auto/held-outputs';
import { useBackend } from '../src/cli/backend';
import { readInput } from '../src/cli/read-input';
import { openRecipeData } from '../src/cli/recipe-data';
import { runPare } from '../src/cli/testing/run-pare';
import { listPhotos, VIEWS_PER_PHOTO, writePhotoViews } from '../src/data/testing/photo-crops';
import type { Dataset } from '../src/evaluate/dataset';
import { evaluateModel } from '../src/evaluate/evaluate';
import { exportVariant, gzipBytes, type ExportFile } from '../src/export';
import { exportArtifacts } from '../src/export/load-export';
import { openModel } from '../src/formats';
import { loadTfModel } from '../src/model/load-tf';
import type { OpenedModel } from '../src/model/types';
import { applyRecipe } from '../src/recipe/apply';
import { parseRecipe, type StepInput } from '../src/recipe/schema';

/**
 * Each model's path and the search's budget, capped so that one model takes well under half an hour on this shared
 * 2-core machine. A graph model's candidates share one gptq capture (one pass, sequential: false), so a candidate
 * costs its solves and one pass over the validation views. The refinement's moves are ordered by the sensitivity
 * curves (a pass over the calibration views per tensor and width) up to 100 kernels; handtrack's 123 at ~0.5 s a
 * view through executeAsync would take about 2 hours of curves, so its moves are ordered by each layer's output
 * error from the capture (src/auto/output-error-costs.ts) and taken in doubling runs. nsfwjs is a layers model:
 * gptq layer by layer, bias correction on. No pruning: at a cosine of 0.999 the bytes come from the widths. The
 * flags override these for every model; `outputs` names the outputs a model is held to (default every one).
 */
const MODELS: Record<string, { path: string; budget: string[]; outputs?: string[] }> = {
  emotion: { path: '.fixtures/real/human-emotion', budget: ['--bits', '8', '--sparsities', '0', '--refine', '6'] },
  blazeface: { path: '.fixtures/real/human-blazeface', budget: ['--bits', '8', '--sparsities', '0', '--refine', '4'] },
  movenet: { path: '.fixtures/real/human-movenet-lightning', budget: ['--bits', '8', '--sparsities', '0', '--refine', '4'] },
  handtrack: {
    path: '.fixtures/real/human-handtrack',
    budget: ['--bits', '8', '--sparsities', '0', '--refine', '14'],
    // Its raw heads: the other six outputs come out of non-max suppression (src/auto/held-outputs.ts).
    outputs: ['Identity_6', 'Identity_7'],
  },
  nsfwjs: { path: '.fixtures/real/nsfwjs-mobilenet-v2', budget: ['--bits', '8', '--sparsities', '0', '--refine', '6'] },
};

const { values: args } = parseArgs({
  options: {
    models: { type: 'string', default: Object.keys(MODELS).join(',') },
    bits: { type: 'string' },
    sparsities: { type: 'string' },
    refine: { type: 'string' },
    ordering: { type: 'string' },
    // The target is 0.999; a stricter one shows what a margin for photos the search never saw costs.
    'min-cosine': { type: 'string', default: '0.999' },
    side: { type: 'string', default: '256' },
    // Only the float32 and uint8 columns (seconds, not the search's minutes), e.g. to see whether uint8 meets 0.999.
    'no-search': { type: 'boolean', default: false },
  },
});

const wire = (files: readonly ExportFile[]) => files.reduce((n, f) => n + gzipBytes(f.data), 0);

async function exported(model: OpenedModel, steps: StepInput[]) {
  const recipe = parseRecipe({ pare: 'recipe', version: 2, steps });
  return exportVariant(model, await applyRecipe(model, recipe), recipe).files;
}

/** The worst output's mean cosine against the original on `data`: over the outputs the target is held on, and over all. */
async function cosineOn(model: OpenedModel, files: readonly ExportFile[], data: Dataset, outputs: string[] | null): Promise<{ held: number; all: number }> {
  const [m, reference] = [await loadTfModel(exportArtifacts(files), model.format), await loadTfModel(model.artifacts, model.format)];
  try {
    const f = (await evaluateModel(m, data, { reference, everyOutput: true })).fidelity!;
    return { held: outputs ? heldFidelity(f, heldOutputIndices(reference, outputs)).cosine : f.cosine, all: f.cosine };
  } finally {
    m.dispose();
    reference.dispose();
  }
}

async function readExport(dir: string): Promise<ExportFile[]> {
  const names = (await readdir(dir)).filter((n) => n !== 'recipe.json').sort((a, b) => (a === 'model.json' ? -1 : b === 'model.json' ? 1 : a.localeCompare(b)));
  return Promise.all(names.map(async (name) => ({ name, data: new Uint8Array(await readFile(join(dir, name))) })));
}

await useBackend('wasm');
const photos = listPhotos();
const heldOut = photos.filter((_, i) => i % 4 === 3);
const searched = photos.filter((_, i) => i % 4 !== 3);
// Five photos (35 views, just past the search's floor of 32) calibrate: calibration time grows with the samples.
const calPhotos = 5;
const root = await mkdtemp(join(tmpdir(), 'pare-graph-auto-'));
const side = Number(args.side);
await writePhotoViews(searched, join(root, 'search'), side);
await writePhotoViews(heldOut, join(root, 'held-out'), side);
const [cal, val] = [calPhotos * VIEWS_PER_PHOTO, (searched.length - calPhotos) * VIEWS_PER_PHOTO];
console.log(
  `${photos.length} photographs, ${VIEWS_PER_PHOTO} views each at ${side}x${side}: calibration ${calPhotos} photos (${cal} views), ` +
    `validation ${searched.length - calPhotos} (${val}), held out ${heldOut.length} (${heldOut.length * VIEWS_PER_PHOTO})`,
);

interface Row {
  model: string;
  float32: number;
  uint8: number;
  found: string;
  search: number | null;
  uint8Cosine: number;
  searchCosine: number | null;
  /** When the target is held on some outputs only: the worst of every output, for uint8 and the answer. */
  uint8CosineAll: number | null;
  searchCosineAll: number | null;
  validationCosine: number | null;
  candidates: number;
  seconds: number;
}
const rows: Row[] = [];
for (const name of args.models.split(',')) {
  const path = MODELS[name]?.path;
  if (!path) throw new Error(`Unknown model '${name}'; known: ${Object.keys(MODELS).join(', ')}.`);
  const model = await openModel(await readInput(path));
  const held = (await openRecipeData([join(root, 'held-out')], model)).dataset;
  const float32 = await exported(model, [{ step: 'quantize', default: 'none' }]);
  const uint8 = await exported(model, [{ step: 'quantize', default: 'uint8', method: 'nearest' }]);
  const out = join(root, `out-${name}`);
  const given = new Map<string, string>(
    Object.entries({ '--bits': args.bits, '--sparsities': args.sparsities, '--refine': args.refine, '--ordering': args.ordering }).filter((e): e is [string, string] => e[1] !== undefined),
  );
  const budget = MODELS[name]!.budget;
  const flags = [...budget.flatMap((v, i) => (i % 2 ? [] : [v, given.get(v) ?? budget[i + 1]!])), ...[...given].filter(([k]) => !budget.includes(k)).flat()];
  const outputs = MODELS[name]!.outputs ?? null;
  if (outputs) flags.push('--outputs', outputs.join(','));
  const u8 = await cosineOn(model, uint8, held, outputs);
  if (args['no-search']) {
    const row: Row = { model: name, float32: wire(float32), uint8: wire(uint8), found: 'not searched', search: null, uint8Cosine: u8.held, searchCosine: null, uint8CosineAll: outputs ? u8.all : null, searchCosineAll: null, validationCosine: null, candidates: 0, seconds: 0 };
    rows.push(row);
    console.log(JSON.stringify(row));
    continue;
  }
  console.log(`${name}: pare auto ${path} --min-cosine ${args['min-cosine']} --calibration ${cal} --validation ${val} ${flags.join(' ')}`);
  const r = await runPare('auto', path, '--data', join(root, 'search'), '--min-cosine', args['min-cosine'], '--out', out, '--calibration', String(cal), '--validation', String(val), ...flags, '--json');
  if (r.status > 1) throw new Error(`pare auto on ${name} failed (${r.status}): ${r.err}`);
  const s = JSON.parse(r.out);
  const found = s.best ? await readExport(out) : null;
  const b = s.best;
  const sc = found ? await cosineOn(model, found, held, outputs) : null;
  const stored = b ? (b.widths ? `mixed ${[...new Set(Object.values(b.widths as Record<string, number>))].sort((x, y) => y - x).join('/')}-bit` : `${b.bits}-bit`) : 'none met';
  const row: Row = {
    model: name,
    float32: wire(float32),
    uint8: wire(uint8),
    found: b ? `${(b.sparsity * 100).toFixed(0)}%, ${stored}` : stored,
    search: found ? wire(found) : null,
    uint8Cosine: u8.held,
    searchCosine: sc?.held ?? null,
    uint8CosineAll: outputs ? u8.all : null,
    searchCosineAll: outputs ? (sc?.all ?? null) : null,
    validationCosine: b ? b.quality.cosine : null,
    candidates: s.tried.length,
    seconds: s.durationMs / 1000,
  };
  rows.push(row);
  console.log(JSON.stringify(row));
}

const kb = (n: number | null) => (n === null ? '–' : n.toLocaleString('en-US'));
const cos = (c: number | null) => (c === null ? '–' : c.toFixed(4));
console.log('\n| model | float32 | uint8 | search found | search | uint8 / search | held-out cosine uint8 | held-out cosine search | validation cosine | candidates | time |');
console.log('|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|');
// Where the target is held on some outputs only, the worst of every output follows in brackets.
const both = (held: number | null, all: number | null) => (all === null ? cos(held) : `${cos(held)} (all outputs ${cos(all)})`);
for (const r of rows) {
  const ratio = r.search === null ? '–' : `${(r.uint8 / r.search).toFixed(2)}x`;
  console.log(`| ${r.model} | ${kb(r.float32)} | ${kb(r.uint8)} | ${r.found} | ${kb(r.search)} | ${ratio} | ${both(r.uint8Cosine, r.uint8CosineAll)} | ${both(r.searchCosine, r.searchCosineAll)} | ${cos(r.validationCosine)} | ${r.candidates} | ${r.seconds.toFixed(0)} s |`);
}
const smaller = rows.filter((r) => r.search !== null && r.search < r.uint8).length;
console.log(`\nsmaller than plain uint8: ${smaller} of ${rows.length} models (bytes over the wire: model.json + shards, gzip -9 each)`);
