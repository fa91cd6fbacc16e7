/**
 * `pare sensitivity <model> --data <...>`: how much each prunable tensor alone costs when pruned or quantized
 * (see src/calibrate/sensitivity.ts), most sensitive first, so a person can see which layers to spare.
 */
import { openModel } from '../formats/index';
import { formatPercent } from '../text/wording';
import { onePositional, parseCommandArgs } from './args';
import { listOf } from './auto';
import { useBackend } from './backend';
import type { CliIO, Command } from './command';
import { splitDataPaths } from './eval-data';
import { positiveIntFlag } from './eval';
import { readInput } from './read-input';
import { openRecipeData } from './recipe-data';
import { textTable, type Column } from './text-table';
import { UsageError } from './usage';
import type { SensitivityPoint, SensitivityRow } from '../calibrate/sensitivity';

/** A point as the table shows it: the accuracy drop in points with labels, else the cosine to the original. */
function pointText(p: SensitivityPoint, original: number | null): string {
  if (original !== null && p.accuracy !== null) return `${((original - p.accuracy) * 100).toFixed(2)}`;
  return p.cosine.toFixed(4);
}

export const sensitivityCommand: Command = {
  name: 'sensitivity',
  summary: 'Measure how much each layer alone loses when pruned or quantized, most sensitive first.',
  help: `Usage: pare sensitivity <model> --data <path...> [options]

Prunes (by magnitude) and quantizes each prunable tensor on its own, every other tensor as it is, and measures
the model on the first samples of the data: with labels the accuracy drop in points, without them the cosine of
the outputs to the original's. Rows are printed most sensitive first; use them to choose per-layer settings.

Options:
  --data <path...>      Data to measure on (an image folder, a zip, a CSV, or IDX images and labels).
  --samples <n>         Samples from the start of the data (default 256).
  --sparsities <list>   Sparsities each tensor is pruned to (default 0.5,0.7,0.9).
  --bits <list>         Bit widths each tensor is stored in (default 8,4,3,2).
  --json                Print every row as JSON.
  -h, --help            Show this help.

Example:
  npm run pare -- sensitivity public/samples/fashion-cnn \\
      --data /usr/share/datasets/fashion-mnist/train-{images-idx3,labels-idx1}-ubyte.gz`,

  async run(argv: string[], io: CliIO): Promise<number> {
    const { rest, data: dataPaths } = splitDataPaths(argv);
    const { values, positionals } = parseCommandArgs('sensitivity', rest, {
      samples: { type: 'string' },
      sparsities: { type: 'string' },
      bits: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) {
      io.out(this.help + '\n');
      return 0;
    }
    const path = onePositional('sensitivity', positionals, 'model path (a model JSON file, a folder or a .zip)');
    if (!dataPaths) throw new UsageError(`'pare sensitivity' needs --data <path...>: the layers are measured on it.`, 'sensitivity');
    const sparsities = listOf('--sparsities', values.sparsities, (n) => n > 0 && n < 1);
    const bits = listOf('--bits', values.bits, (n) => Number.isInteger(n) && n >= 2 && n <= 8);
    const samples = positiveIntFlag('--samples', values.samples, 256);

    const model = await openModel(await readInput(path));
    const data = await openRecipeData(dataPaths, model);
    await useBackend('wasm');
    const { sensitivity } = await import('../calibrate/sensitivity');
    const result = await sensitivity(model, data.dataset, {
      samples,
      ...(sparsities ? { sparsities } : {}),
      ...(bits ? { bits } : {}),
      onRow: (row, done, total) => io.errIsTTY && io.err(`\r${done}/${total} ${row.tensor}   `),
    });
    if (io.errIsTTY) io.err('\n');
    const rows = [...result.rows].sort((a, b) => b.score - a.score);
    if (values.json) {
      io.out(`${JSON.stringify({ model: path, data: result.data, original: result.original, rows, durationMs: Math.round(result.durationMs) }, null, 2)}\n`);
      return 0;
    }
    const original = result.original.accuracy;
    const settings = rows[0]?.points.map((p) => p.setting) ?? [];
    const columns: Column<SensitivityRow>[] = [
      { title: 'tensor', value: (r) => r.tensor },
      { title: 'params', value: (r) => r.params.toLocaleString('en-US'), align: 'right' },
      ...settings.map((s, i): Column<SensitivityRow> => ({
        title: s.kind === 'prune' ? `${Math.round(s.sparsity * 100)}%` : s.bits === 8 ? 'uint8' : `${s.bits}-bit`,
        value: (r) => pointText(r.points[i]!, original),
        align: 'right',
      })),
    ];
    io.out(`${textTable(columns, rows)}\n`);
    io.out(
      original !== null
        ? `Accuracy drop in points against the original's ${formatPercent(original, 2)}, each tensor alone, on ${result.data}\n`
        : `Cosine of the outputs to the original's, each tensor alone, on ${result.data}\n`,
    );
    io.out(`measured in ${(result.durationMs / 1000).toFixed(1)} s\n`);
    return 0;
  },
};
