/**
 * `pare auto <model> --data <...> (--max-drop P | --min-agreement A | --min-cosine C | --target-size S) --out <dir>`:
 * searches for the smallest recipe that meets the target (see src/auto/search.ts), on a calibration part and a
 * separate validation part of the data, and writes the export it names with its recipe.
 */
import { openModel } from '../formats/index';
import { canonicalJson } from '../recipe/schema';
import { bytesText, PareError } from '../errors';
import { parseCommandArgs, onePositional } from './args';
import { useBackend } from './backend';
import type { CliIO, Command } from './command';
import { splitDataPaths } from './eval-data';
import { positiveIntFlag } from './eval';
import { readInput } from './read-input';
import { checkOutOverlap, writeOutputFiles } from './write-output';
import { openRecipeData } from './recipe-data';
import { storageText } from './storage-text';
import { textTable, type Column } from './text-table';
import { formatPercent } from '../text/wording';
import { UsageError } from './usage';
import type { Candidate, SearchTarget } from '../auto/search';

const SIZE = /^(\d+(?:\.\d+)?)\s*(B|KB|KiB|MB|MiB)?$/i;
const UNIT: Record<string, number> = { b: 1, kb: 1e3, kib: 1024, mb: 1e6, mib: 1024 * 1024 };

/** '60KB' -> 60000, '1.5MiB' -> 1572864, '5000' -> 5000 bytes. */
export function parseSize(text: string): number {
  const m = SIZE.exec(text.trim());
  if (!m) throw new PareError('bad-options', `--target-size must be a size like 60KB, 1.5MiB or 50000 (bytes); found '${text}'.`);
  return Math.round(Number(m[1]) * UNIT[(m[2] ?? 'b').toLowerCase()]!);
}

function fraction(flag: string, text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) throw new PareError('bad-options', `${flag} must be a number from 0 to 1; found '${text}'.`);
  return n;
}

function targetFrom(values: Record<string, unknown>): SearchTarget {
  const given = (['max-drop', 'min-agreement', 'min-cosine', 'target-size'] as const).filter((k) => values[k] !== undefined);
  if (given.length !== 1) {
    throw new UsageError(`'pare auto' needs exactly one target: --max-drop, --min-agreement, --min-cosine or --target-size; found ${given.length ? given.map((g) => `--${g}`).join(', ') : 'none'}.`, 'auto');
  }
  const v = String(values[given[0]!]);
  switch (given[0]!) {
    case 'max-drop': {
      const points = Number(v);
      if (v.trim() === '' || !Number.isFinite(points) || points < 0) throw new PareError('bad-options', `--max-drop must be a number of accuracy points, 0 or more; found '${v}'.`);
      return { kind: 'max-drop', points };
    }
    case 'min-agreement':
      return { kind: 'min-agreement', value: fraction('--min-agreement', v) };
    case 'min-cosine':
      return { kind: 'min-cosine', value: fraction('--min-cosine', v) };
    case 'target-size':
      return { kind: 'target-size', bytes: parseSize(v) };
  }
}

export function listOf(flag: string, text: string | undefined, check: (n: number) => boolean): number[] | undefined {
  if (text === undefined) return undefined;
  const list = text.split(',').map((t) => Number(t.trim()));
  if (!list.length || list.some((n) => !Number.isFinite(n) || !check(n))) throw new PareError('bad-options', `${flag} must be a comma-separated list; found '${text}'.`);
  return list;
}

const pct = (x: number | null) => (x === null ? '–' : formatPercent(x, 2));

export const autoCommand: Command = {
  name: 'auto',
  summary: 'Find the smallest recipe within a target (accuracy drop, agreement, cosine or size) and write its export.',
  help: `Usage: pare auto <model> --data <path...> (--max-drop P | --min-agreement A | --min-cosine C | --target-size S)
                 --out <dir> [options]

Searches for the recipe that makes the model smallest over the wire while meeting the target: error-compensating
pruning (obs) to a global sparsity, then error-compensating rounding (gptq) at a bit width, the sparsity found by
bisection for each width. The data is split: its first samples calibrate, the samples after them validate, so
the figures printed are never measured on what was calibrated with. A model with several outputs (a detector's
boxes and scores) must meet --min-cosine or --min-agreement on each output. When no width meets a fidelity target
(8 bits can miss 0.999), the refinement starts from the fewest sensitive tensors kept at float16, the rest at 8
bits, and lowers widths from there. Writes the export and its recipe.json to
<dir>; the recipe reproduces it with 'pare optimize --recipe <dir>/recipe.json --data <the same data>'.

Options:
  --data <path...>      Labelled data for --max-drop (an image folder, a zip, a CSV, or IDX images and labels),
                        unlabelled is enough for the fidelity targets.
  --max-drop <points>   At most this many points of top-1 accuracy below the original (0.5 = half a point).
  --min-agreement <a>   Top-1 agreement with the original of at least a (0..1).
  --min-cosine <c>      Mean cosine of the outputs against the original of at least c (0..1).
  --target-size <s>     The most accurate recipe within s over the wire (60KB, 1.5MiB, bytes).
  --out <dir>           Folder for model.json, the shards and recipe.json.
  --calibration <n>     Calibration samples (default 512; at most half the data).
  --validation <n>      Validation samples after them (default 2000).
  --bits <list>         Bit widths to try (default 8,6,5,4,3).
  --sparsities <list>   Sparsities to bisect over (default 0,0.3,0.5,0.6,0.7,0.75,0.8,0.85,0.9,0.93,0.95,0.97).
  --refine <n>          Mixed-precision candidates after the uniform search (default 16; 0 for uniform widths).
  --ordering <o>        What orders the mixed-precision moves: 'curves' (each tensor alone quantized, a model pass
                        per tensor, width and sample) or 'output-error' (each layer's output error from the Gram
                        matrices gptq captured, no model pass; the moves then go by bisection). Default: curves,
                        output-error for graph models with more than 100 prunable tensors.
  --outputs <names>     Hold --min-cosine or --min-agreement on these outputs only (comma-separated names, as
                        'pare inspect' lists them), e.g. a detector's raw heads when its other outputs come out of
                        non-max suppression, which any change of a weight reorders. Default: every output.
  --json                Print the result as JSON: the original's and the answer's figures, every candidate tried.
  -h, --help            Show this help.

Example:
  npm run pare -- auto public/samples/fashion-mlp --max-drop 0.5 --out out/auto \\
      --data /usr/share/datasets/fashion-mnist/train-{images-idx3,labels-idx1}-ubyte.gz`,

  async run(argv: string[], io: CliIO): Promise<number> {
    const { rest, data: dataPaths } = splitDataPaths(argv);
    const { values, positionals } = parseCommandArgs('auto', rest, {
      out: { type: 'string' },
      'max-drop': { type: 'string' },
      'min-agreement': { type: 'string' },
      'min-cosine': { type: 'string' },
      'target-size': { type: 'string' },
      calibration: { type: 'string' },
      validation: { type: 'string' },
      bits: { type: 'string' },
      sparsities: { type: 'string' },
      refine: { type: 'string' },
      ordering: { type: 'string' },
      outputs: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) {
      io.out(this.help + '\n');
      return 0;
    }
    const path = onePositional('auto', positionals, 'model path (a model JSON file, a folder or a .zip)');
    if (!values.out) throw new UsageError(`'pare auto' needs --out <dir>, the folder to write the model it finds to.`, 'auto');
    if (!dataPaths) throw new UsageError(`'pare auto' needs --data <path...>: the search calibrates and validates on it.`, 'auto');
    const target = targetFrom(values);
    const bits = listOf('--bits', values.bits, (n) => Number.isInteger(n) && n >= 2 && n <= 8);
    const sparsities = listOf('--sparsities', values.sparsities, (n) => n >= 0 && n < 1);
    const refine = values.refine === '0' ? 0 : positiveIntFlag('--refine', values.refine, 16);
    const ordering = values.ordering;
    if (ordering !== undefined && ordering !== 'curves' && ordering !== 'output-error') {
      throw new PareError('bad-options', `--ordering must be 'curves' or 'output-error'; found '${ordering}'.`);
    }
    const outputs = values.outputs?.split(',').map((n) => n.trim()).filter((n) => n);
    if (outputs && !outputs.length) throw new PareError('bad-options', `--outputs must name at least one output; found '${values.outputs}'.`);
    const calibrationSamples = positiveIntFlag('--calibration', values.calibration, 512);
    const validationSamples = positiveIntFlag('--validation', values.validation, 2000);

    await checkOutOverlap([path, ...dataPaths], values.out);
    const model = await openModel(await readInput(path));
    const data = await openRecipeData(dataPaths, model);
    await useBackend('wasm');
    const [{ searchRecipe }, { splitDataset }] = await Promise.all([import('../auto/search'), import('../auto/split')]);
    const split = splitDataset(data.dataset, calibrationSamples, validationSamples);
    const result = await searchRecipe(
      model,
      { calibration: { fingerprint: data.fingerprint, dataset: split.calibration }, validation: split.validation },
      target,
      {
        ...(bits ? { bits } : {}),
        ...(sparsities ? { sparsities } : {}),
        refine,
        ...(ordering ? { ordering } : {}),
        ...(outputs ? { outputs } : {}),
        samples: calibrationSamples,
        onCandidate: (c, done, total) =>
          io.errIsTTY && io.err(`\rcandidate ${done}/${total}: ${storageText(c)} at ${(c.sparsity * 100).toFixed(0)}% ${c.meets ? 'meets' : 'misses'}   `),
      },
    );
    if (io.errIsTTY) io.err('\n');
    const best = result.best;
    if (best && result.bestFiles) {
      const recipeJson = `${JSON.stringify(JSON.parse(canonicalJson(best.recipe)), null, 2)}\n`;
      await writeOutputFiles(values.out, [...result.bestFiles, { name: 'recipe.json', data: recipeJson }]);
    }
    const summary = {
      model: path,
      target,
      ...(outputs ? { outputs } : {}),
      calibration: split.calibration.description,
      validation: split.validation.description,
      original: result.original,
      best,
      tried: result.tried,
      durationMs: Math.round(result.durationMs),
      out: best ? values.out : null,
    };
    if (values.json) io.out(`${JSON.stringify(summary, null, 2)}\n`);
    else {
      const columns: Column<Candidate>[] = [
        { title: 'stored', value: storageText },
        { title: 'sparsity', value: (c) => `${(c.sparsity * 100).toFixed(0)}%`, align: 'right' },
        { title: 'accuracy', value: (c) => pct(c.quality.accuracy), align: 'right' },
        { title: 'agreement', value: (c) => pct(c.quality.agreement), align: 'right' },
        { title: 'cosine', value: (c) => c.quality.cosine.toFixed(4), align: 'right' },
        { title: 'over the wire', value: (c) => bytesText(c.wireBytes), align: 'right' },
        { title: 'meets', value: (c) => (c.meets ? 'yes' : 'no') },
      ];
      io.out(`${textTable(columns, result.tried)}\n`);
      io.out(`original: ${pct(result.original.quality.accuracy)} on ${split.validation.description}, ${bytesText(result.original.wireBytes)} over the wire\n`);
      io.out(
        best
          ? `best: ${storageText(best)} at ${(best.sparsity * 100).toFixed(0)}%: ${pct(best.quality.accuracy)}, cosine ${best.quality.cosine.toFixed(4)}, ${bytesText(best.wireBytes)} (${(result.original.wireBytes / best.wireBytes).toFixed(1)}x smaller); written to ${values.out} with recipe.json\n`
          : 'No candidate met the target; nothing was written.\n',
      );
      io.out(`searched ${result.tried.length} candidates in ${(result.durationMs / 1000).toFixed(1)} s\n`);
    }
    return best ? 0 : 1;
  },
};
