/**
 * `pare inspect <model.json | folder | zip>`: opens a model as the studio does and prints its inventory —
 * format, inputs and outputs, parameters, bytes, and every weight with its layer or op, storage and whether it
 * is prunable. `--json` prints the inventory as JSON; `--verify` also loads it with stock TF.js and compares.
 */
import { openModel } from '../formats/index';
import { inventoryOf } from '../model/inventory';
import type { ModelInventory, OpenedModel, TensorInfo, WeightInfo } from '../model/types';
import { PareError } from '../errors';
import { onePositional, parseCommandArgs } from './args';
import type { CliIO, Command } from './command';
import { readInput } from './read-input';
import { formatBytes, formatShape } from '../text/wording';
import { count, percent, shapeText, textTable } from './text-table';
import { channelInventory, type ChannelInventory } from '../structure/inventory';

const SORTS = ['file', 'name', 'params', 'bytes'] as const;

export const inspectCommand: Command = {
  name: 'inspect',
  summary: 'Show a model: format, inputs and outputs, parameters, bytes, and every weight.',
  help: `Usage: pare inspect <model.json | folder | model.zip> [options]

Opens a TF.js model (layers-model or graph-model, a Teachable Machine export, or a zip of any of them) exactly as
the studio does, checks it, and prints its inventory: format, inputs and outputs, total parameters, total weight
bytes, and a table of every weight tensor (layer or op, shape, parameters, stored dtype, bytes, prunable).

Options:
  --json            Print the inventory as JSON: format, params, weightBytes, inputs, outputs, weights[] (name,
                    shape, dtype, quantization, prunable, owner, ownerType, params, bytes), labels, warnings.
  --sort <key>      Order of the weight table: file (manifest order, default), name, params or bytes (largest first).
  --wide            Do not shorten long weight and op names in the table.
  --verify          Also load the model with stock TF.js (cpu backend) and check it agrees on the parameter count.
  --groups          Also list the channel groups: which layers shrink together when prune-channels
                    removes a channel, their channels and multiply-adds, and why a group cannot shrink. With --json,
                    adds "channelGroups".
  -h, --help        Show this help.

A model that cannot be opened prints "pare: <what is wrong, and where>" and exits with status 1.

Examples:
  npm run pare -- inspect .fixtures/real/human-handtrack
  npm run pare -- inspect my-model/model.json --json > inventory.json`,

  async run(args: string[], io: CliIO): Promise<number> {
    const { values, positionals } = parseCommandArgs('inspect', args, {
      json: { type: 'boolean' },
      sort: { type: 'string' },
      wide: { type: 'boolean' },
      verify: { type: 'boolean' },
      groups: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) {
      io.out(this.help + '\n');
      return 0;
    }
    const sort = (values.sort ?? 'file') as (typeof SORTS)[number];
    if (!SORTS.includes(sort)) {
      throw new PareError('bad-options', `--sort must be one of ${SORTS.join(', ')}; found '${values.sort}'.`);
    }
    const path = onePositional('inspect', positionals, 'model path (a model JSON file, a folder or a .zip)');
    const model = await openModel(await readInput(path));
    const inventory = inventoryOf(model);
    const stock = values.verify ? await verifyWithStock(model) : undefined;
    const groups = values.groups ? channelInventory(model) : undefined;
    if (values.json) {
      io.out(JSON.stringify({ ...inventory, ...(stock ? { stock } : {}), ...(groups ? { channelGroups: groups } : {}) }, null, 2) + '\n');
    } else {
      io.out(renderInventory(inventory, { sort, wide: values.wide === true }) + '\n');
      if (groups) io.out('\n' + renderGroups(groups, values.wide === true) + '\n');
      if (stock) io.out(`\nstock TF.js: loads it with ${count(stock.params)} parameters${stock.params === inventory.params ? ', as above' : ` — Pare counted ${count(inventory.params)}`}.\n`);
    }
    return stock && stock.params !== inventory.params ? 1 : 0;
  },
};

/** Loads the model with the stock loader and counts its parameters the stock way. */
async function verifyWithStock(model: OpenedModel): Promise<{ params: number }> {
  // TF.js is imported only here: plain inspection does not need it and starts faster without it.
  const [{ nodeTf }, { loadTfModel }] = await Promise.all([import('./node-tf'), import('../model/load-tf')]);
  await nodeTf();
  if (model.format === 'layers-model') {
    const loaded = await loadTfModel(model.artifacts, 'layers-model');
    const params = loaded.countParams();
    loaded.dispose();
    return { params };
  }
  const loaded = await loadTfModel(model.artifacts, 'graph-model');
  const params = Object.values(loaded.weights).reduce((n, tensors) => n + tensors[0].size, 0);
  loaded.dispose();
  return { params };
}

/** The human-readable inventory: a summary block, then the weight table. */
export function renderInventory(inv: ModelInventory, options: { sort: (typeof SORTS)[number]; wide: boolean }): string {
  const prunable = inv.weights.filter((w) => w.prunable);
  const prunableParams = prunable.reduce((n, w) => n + w.params, 0);
  const stored = new Map<string, number>();
  for (const w of inv.weights) stored.set(storedAs(w), (stored.get(storedAs(w)) ?? 0) + 1);

  const lines = [`${inv.modelJsonName}: ${inv.format} (read as ${inv.reader})`, ''];
  const shapeOf = (t: TensorInfo) => (t.shapeUnknown ? formatShape([], true) : shapeText(t.shape));
  const tensors = [...inv.inputs, ...inv.outputs];
  const nameWidth = Math.max(0, ...tensors.map((t) => t.name.length));
  const shapeWidth = Math.max(0, ...tensors.map((t) => shapeOf(t).length));
  const tensorLines = (label: string, list: TensorInfo[]) => {
    list.forEach((t, i) => {
      lines.push(`${(i === 0 ? label : '').padEnd(9)}${t.name.padEnd(nameWidth)}  ${shapeOf(t).padEnd(shapeWidth)}  ${t.dtype}`);
    });
    if (list.length === 0) lines.push(`${label.padEnd(9)}(none found)`);
  };
  tensorLines('inputs', inv.inputs);
  tensorLines('outputs', inv.outputs);
  lines.push(
    `${'params'.padEnd(9)}${count(inv.params)} in ${count(inv.weights.length)} tensors; prunable ${count(prunableParams)} (${percent(prunableParams, inv.params)}) in ${count(prunable.length)} tensors`,
    `${'bytes'.padEnd(9)}${count(inv.weightBytes)} of weights (${formatBytes(inv.weightBytes)}; ${[...stored].map(([d, n]) => `${d} ×${n}`).join(', ')}) + ${count(inv.modelJsonBytes)} of model JSON (${formatBytes(inv.modelJsonBytes)})`,
  );
  if (inv.labels) lines.push(`${'labels'.padEnd(9)}${inv.labels.join(', ')}`);
  for (const w of inv.warnings) lines.push(`warning: ${w.message}`);

  const rows = sortWeights(inv.weights, options.sort);
  const max = options.wide ? undefined : 56;
  lines.push(
    '',
    textTable<WeightInfo>(
      [
        { title: 'weight', value: (w) => w.name, max },
        { title: 'layer/op', value: (w) => w.owner, max: options.wide ? undefined : 32 },
        { title: 'type', value: (w) => w.ownerType, max: options.wide ? undefined : 26 },
        { title: 'shape', value: (w) => shapeText(w.shape) },
        { title: 'params', value: (w) => count(w.params), align: 'right' },
        { title: 'stored', value: storedAs },
        { title: 'bytes', value: (w) => count(w.bytes), align: 'right' },
        { title: 'prunable', value: (w) => (w.prunable ? 'yes' : '-') },
      ],
      rows,
    ),
  );
  return lines.join('\n');
}

/** The channel groups: one row each, the layers that shrink together named by the first and how many more. */
export function renderGroups(inv: ChannelInventory, wide: boolean): string {
  const prunable = inv.groups.filter((g) => g.prunable);
  const head = `channel groups: ${count(inv.groups.length)} (${count(prunable.length)} can shrink); ${count(inv.totalMacs)} multiply-adds per sample`;
  const layers = (g: ChannelInventory['groups'][number]) => {
    const text = g.layers.join(', ') + (g.readers.length ? ` -> ${g.readers.join(', ')}` : '');
    return wide || text.length <= 60 ? text : `${text.slice(0, 59)}…`;
  };
  return `${head}\n\n${textTable<ChannelInventory['groups'][number]>(
    [
      { title: 'group', value: (g) => String(g.id), align: 'right' },
      { title: 'layers (-> readers)', value: layers },
      { title: 'channels', value: (g) => count(g.channels), align: 'right' },
      { title: 'MACs', value: (g) => count(g.macs), align: 'right' },
      { title: 'prunable', value: (g) => (g.prunable ? 'yes' : `no: ${g.reason}`) },
    ],
    inv.groups,
  )}`;
}

function storedAs(w: WeightInfo): string {
  return w.quantization ? w.quantization.dtype : w.dtype;
}

function sortWeights(weights: WeightInfo[], sort: (typeof SORTS)[number]): WeightInfo[] {
  const rows = [...weights];
  if (sort === 'name') rows.sort((a, b) => a.name.localeCompare(b.name));
  if (sort === 'params') rows.sort((a, b) => b.params - a.params);
  if (sort === 'bytes') rows.sort((a, b) => b.bytes - a.bytes);
  return rows;
}
