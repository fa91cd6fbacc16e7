/**
 * `pare eval <model> --data <path...>`: accuracy of a model on labelled data (IDX, CSV, image folders or a zip),
 * and `pare eval <variant> --reference <original>`: fidelity of a variant against its original, on data or, with
 * none, on generated inputs flagged as a weak proxy. The same core the studio's worker runs: openModel,
 * dataTargetFor, openDataset, evaluateModel, on the wasm backend by default.
 */
import { PareError, type PareWarning } from '../errors';
import type { Dataset } from '../evaluate/dataset';
import { parseLabelsFile } from '../evaluate/class-order';
import { openDataset } from '../data/open-dataset';
import { nodeImageDecoder } from '../data/node-decoder';
import { parseScale, withScale, type Scale } from '../evaluate/preprocessing';
import { dataTargetFor } from '../evaluate/target';
import { openModel } from '../formats/index';
import type { InputFile, OpenedModel } from '../model/types';
import { parseCommandArgs } from './args';
import { parseBackend, terminalProgress, useBackend } from './backend';
import type { CliIO, Command } from './command';
import { readDataPaths, readLabelsPath, splitDataPaths } from './eval-data';
import { evalSummary, renderEval } from './eval-report';
import { readInput } from './read-input';

const SCALES = ['0,1', '-1,1', '0,255'] as const;

/** A whole number >= 1 from a flag, or a 'bad-options' error naming the flag. */
export function positiveIntFlag(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < 1) {
    throw new PareError('bad-options', `${flag} must be a whole number of at least 1; found '${value}'.`);
  }
  return n;
}

function scaleFlag(value: string | undefined): Scale | undefined {
  if (value === undefined) return undefined;
  const scale = parseScale(value);
  if (scale === undefined || typeof scale !== 'string') {
    throw new PareError('bad-options', `--scale must be one of ${SCALES.join(', ')}; found '${value}'.`);
  }
  return scale;
}

/**
 * `--scale -1,1` as typed: node's parseArgs takes a value starting with '-' for an option and refuses it, so the
 * value is attached ('--scale=-1,1') before parsing.
 */
export function attachScaleValue(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--scale' && i + 1 < args.length && /^-\d/.test(args[i + 1])) out.push(`--scale=${args[++i]}`);
    else out.push(args[i]);
  }
  return out;
}

/** The model path: exactly one positional, with a hint about --data eating paths when there are more. */
function modelPath(positionals: string[]): string {
  if (positionals.length === 1) return positionals[0];
  const found = positionals.length === 0 ? 'none' : positionals.map((p) => `'${p}'`).join(', ');
  throw new PareError(
    'bad-options',
    `'pare eval' takes one model path (a model JSON file, a folder or a .zip); found ${found}. ` +
      `Give the model first: --data takes every path up to the next option. See 'pare eval --help'.`,
  );
}

/** Class names from --labels for IDX data (its labels are indices) when the model names none. */
function withLabelsFile(data: Dataset, model: OpenedModel, labelsFile: InputFile | undefined, warnings: PareWarning[]): Dataset {
  if (!labelsFile) return data;
  if (model.labels?.length) {
    warnings.push({ code: 'note', message: `--labels '${labelsFile.name}' was not used: the model's metadata names its ${model.labels.length} classes.` });
    return data;
  }
  if (data.kind !== 'idx') return data; // the folder and CSV readers took it already
  const names = parseLabelsFile(labelsFile);
  if (data.classNames.length && names.length !== data.classNames.length) {
    warnings.push({
      code: 'note',
      message: `--labels '${labelsFile.name}' names ${names.length} classes; the model outputs ${data.classNames.length}.`,
    });
  }
  const classNames = data.classNames.map((n, i) => names[i] ?? n);
  return { ...data, classNames, classSource: 'labels-file' };
}

export const evalCommand: Command = {
  name: 'eval',
  summary: 'Measure a model: accuracy on labelled data, or fidelity of a variant against its original.',
  help: `Usage: pare eval <model> --data <path...> [options]
       pare eval <variant> --reference <original> [--data <path...>] [options]

Measures a TF.js model (model.json with its shards, a folder or a .zip) on this machine, with the same code as
the studio.

Accuracy (with --data holding labels): top-1 accuracy, top-5 (with 5 or more classes), per-class accuracy, the
confusion matrix and the mean cross-entropy loss, and what in the data was skipped and why.

Fidelity (with --reference): how closely <variant> follows <original> on the same inputs: top-1 agreement,
mean cosine similarity of the outputs, and the largest absolute difference of any output value. With labelled
--data the variant's accuracy is reported too. Without --data, fidelity is measured on generated inputs in the
range the preprocessing produces, and the output says it is a weak proxy (JSON: "weakProxy": true).

Data (--data takes every path up to the next option, so give the model first):
  - IDX files (MNIST / Fashion-MNIST, gzipped or raw): the images file and its labels file, in either order
  - a CSV with a header row and a 'label' column (see --label-column); the other columns are the features
  - an image folder with one subfolder per class (PNG or JPEG), or a zip of one; folder names are matched to the
    model's class names (case and punctuation ignored), else sorted
Preprocessing (image size, channels, scaling) comes from the model's metadata, else it is inferred from its input
shape (pixels scaled to [0, 1]); the report states it. Class names come from the model's metadata, else --labels,
else the folder names.

Options:
  --data <path...>     The evaluation data (see above).
  --reference <model>  The original model, to measure the fidelity of <variant> against it.
  --labels <file>      Class names in output order, one per line (or a JSON list), when the model has none.
  --label-column <c>   CSV only: the label column's header (default: the column named 'label').
  --scale <range>      Pixel scaling, replacing the model's: 0,1 (p / 255), -1,1 (p / 127.5 - 1) or 0,255 (raw).
  --backend <name>     wasm (default; SIMD, 1 thread in Node) or cpu (pure JavaScript).
  --batch <n>          Samples per predict call (default 64). A model with a fixed batch size uses its own.
  --samples <n>        Generated inputs for fidelity without --data (default 256).
  --json               Print the result as JSON: {samples, accuracy, top5, perClass, confusion, loss, ...} or,
                       with --reference, {samples, agreement, cosine, relativeError, maxAbsDiff, weakProxy,
                       ...}, plus skipped, preprocessing, classNames, backend and warnings.
  -h, --help           Show this help.

Progress goes to stderr when it is a terminal. Unusable data, a model that cannot be opened or data that does
not fit the model exit with status 1 and a message saying what is wrong; wrong usage exits with status 2.

Examples:
  npm run pare -- eval public/samples/fashion-mlp --data public/samples/data/fashion-mnist-test-1000-*.gz
  npm run pare -- eval small/model.json --reference public/samples/fashion-cnn --json
  npm run pare -- eval model.json --data photos/ --labels labels.txt --scale -1,1 --backend cpu`,

  async run(args: string[], io: CliIO): Promise<number> {
    const { rest, data: dataPaths } = splitDataPaths(args);
    const { values, positionals } = parseCommandArgs('eval', attachScaleValue(rest), {
      reference: { type: 'string' },
      labels: { type: 'string' },
      'label-column': { type: 'string' },
      scale: { type: 'string' },
      backend: { type: 'string' },
      batch: { type: 'string' },
      samples: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) {
      io.out(this.help + '\n');
      return 0;
    }
    const path = modelPath(positionals);
    const backend = parseBackend(values.backend);
    const askedBatch = values.batch !== undefined ? positiveIntFlag('--batch', values.batch, 64) : undefined;
    const generated = positiveIntFlag('--samples', values.samples, 256);
    const scale = scaleFlag(values.scale);
    if (!dataPaths && values.reference === undefined) {
      throw new PareError(
        'bad-options',
        `'pare eval' needs --data <path...> to measure accuracy, or --reference <original> to measure fidelity; see 'pare eval --help'.`,
      );
    }

    // Everything is read and checked before TF.js starts, so mistakes are reported at once.
    const model = await openModel(await readInput(path));
    const reference = values.reference !== undefined ? await openModel(await readInput(values.reference)) : null;
    const labelsFile = values.labels !== undefined ? await readLabelsPath(values.labels) : undefined;
    const warnings: PareWarning[] = [...model.warnings];
    let target = dataTargetFor(model);
    if (scale) target = { ...target, preprocessing: withScale(target.preprocessing, scale) };
    let data: Dataset | null = null;
    if (dataPaths) {
      const files = await readDataPaths(dataPaths);
      data = openDataset(files, target, { decoder: nodeImageDecoder, labelsFile, labelColumn: values['label-column'] });
      data = withLabelsFile(data, model, labelsFile, warnings);
      if (!data.labelled && !reference) {
        throw new PareError(
          'bad-data',
          `The data (${data.description.replace(/\.$/, '')}) has no labels, so accuracy cannot be measured; ` +
            `give the labels too (for IDX, the labels file as a second --data path) or --reference <original> for fidelity.`,
        );
      }
    }

    const runtime = await useBackend(backend);
    // TF.js is loaded only now (see backend.ts).
    const [{ evaluateModel, batchSizeFor }, { modelSignature }, { loadTfModel }] = await Promise.all([
      import('../evaluate/evaluate'),
      import('../evaluate/run-model'),
      import('../model/load-tf'),
    ]);
    const loaded = await loadTfModel(model.artifacts, model.format);
    const referenceModel = reference
      ? await loadTfModel(reference.artifacts, reference.format).catch((e: unknown) => {
          loaded.dispose();
          throw e;
        })
      : undefined;
    const progress = terminalProgress(reference ? 'fidelity' : 'evaluating');
    try {
      // evaluateModel uses a fixed batch dimension's own size (graph models exported for batch 1) and refuses another.
      const batch = batchSizeFor(modelSignature(loaded).inputShape, askedBatch);
      const result = await evaluateModel(loaded, data, {
        batchSize: batch,
        reference: referenceModel,
        metadata: model.artifacts.userDefinedMetadata,
        preprocessing: target.preprocessing,
        generated: { count: generated },
        onProgress: (p) => progress.report(p.done, p.total, p.etaMs),
      });
      progress.clear();
      result.warnings.unshift(...warnings);
      const describe = (m: OpenedModel, p: string) => ({ path: p, file: m.modelJsonName, format: m.format });
      const summary = evalSummary(
        result,
        {
          model: describe(model, path),
          classSource: data?.classSource ?? 'none',
          preprocessing: data ? data.preprocessing : target.preprocessing,
          backend: runtime.backend,
          wasm: runtime.wasm,
          batch,
        },
        reference ? describe(reference, values.reference!) : null,
      );
      io.out((values.json ? JSON.stringify(summary, null, 2) : renderEval(summary)) + '\n');
      return 0;
    } finally {
      progress.clear();
      loaded.dispose();
      referenceModel?.dispose();
    }
  },
};
