/**
 * CSV of numeric features with a label column, for tabular models (and pixel CSVs such as Kaggle's
 * fashion-mnist_test.csv). A header row is required. Problems stop the read with the file, line and column, so
 * the user can fix the cell: a silently dropped row would bias the accuracy.
 */
import { PareError } from '../errors';
import type { InputFile } from '../model/types';
import { resolveClassOrder } from '../evaluate/class-order';
import { countText, inMemoryDataset, plural, type Dataset, type DataTarget } from '../evaluate/dataset';
import { sampleShapeFor, scaleText, shapeText } from '../evaluate/preprocessing';
import { scaleCoefficients } from '../evaluate/pixels';
import { parseLabelsFile } from '../evaluate/class-order';
import { isImageName } from './image-decoder';
import type { DataReader } from './types';

export interface CsvOptions {
  /** The label column's header name. Default: a column named 'label' (any case); with none, the data is unlabelled. */
  labelColumn?: string;
  /** Class names from a labels file, used when the model has none. */
  labelsFile?: string[];
}

/** One parsed row and the line it starts on (1-based). */
interface Row {
  line: number;
  cells: string[];
}

/**
 * Splits CSV text into rows (RFC 4180: quoted cells may hold the delimiter, newlines and doubled quotes).
 * Blank lines are dropped.
 */
export function parseCsv(text: string, delimiter = ','): Row[] {
  const rows: Row[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  let cellStarted = false;
  const endRow = () => {
    cells.push(cell);
    if (!(cells.length === 1 && cells[0].trim() === '' && !cellStarted)) rows.push({ line: rowLine, cells });
    cells = [];
    cell = '';
    cellStarted = false;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === '\n') line++;
        cell += ch;
      }
    } else if (ch === '"') {
      quoted = true;
      cellStarted = true;
    } else if (ch === delimiter) {
      cells.push(cell);
      cell = '';
      cellStarted = true;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRow();
      line++;
      rowLine = line;
    } else {
      cell += ch;
    }
  }
  if (cell !== '' || cells.length > 0 || cellStarted) endRow();
  return rows;
}

function guessDelimiter(firstLine: string, fileName: string): string {
  if (/\.tsv$/i.test(fileName) || (!firstLine.includes(',') && firstLine.includes('\t'))) return '\t';
  if (!firstLine.includes(',') && firstLine.includes(';')) return ';';
  return ',';
}

function bad(file: string, message: string): PareError {
  return new PareError('bad-data', message, { file });
}

function parseNumber(s: string): number {
  const t = s.trim();
  return t === '' ? NaN : Number(t);
}

/**
 * Reads a CSV as a Dataset for a model whose input takes as many values as the CSV has feature columns.
 *
 * @throws PareError('bad-data') naming file, line and column for: a missing header, a non-numeric cell, a row
 *   with more or fewer cells than the header, an unknown class name or index; and when the feature count does
 *   not match the model's input
 * @example
 *   readCsvDataset({ name: 'iris.csv', data }, target, { labelColumn: 'species' })
 */
export function readCsvDataset(file: InputFile, target: DataTarget, options: CsvOptions = {}): Dataset {
  const text = new TextDecoder().decode(file.data).replace(/^\uFEFF/, '');
  const firstLine = text.split('\n', 1)[0];
  const rows = parseCsv(text, guessDelimiter(firstLine, file.name));
  const name = file.name;
  if (rows.length === 0) throw bad(name, `'${name}' is empty; expected a header row and then one row per sample.`);
  const header = rows[0].cells.map((h) => h.trim());
  if (header.every((h) => h !== '' && Number.isFinite(Number(h)))) {
    throw bad(
      name,
      `'${name}' line ${rows[0].line} holds only numbers; a header row naming the columns (one of them 'label') ` +
        `must come first.`,
    );
  }

  let labelCol = -1;
  if (options.labelColumn !== undefined) {
    labelCol = header.indexOf(options.labelColumn);
    if (labelCol < 0) labelCol = header.findIndex((h) => h.toLowerCase() === options.labelColumn!.toLowerCase());
    if (labelCol < 0) {
      throw bad(name, `'${name}' has no column '${options.labelColumn}'; its columns are ${columnList(header)}.`);
    }
  } else {
    labelCol = header.findIndex((h) => h.toLowerCase() === 'label');
  }
  const featureCols = header.map((_, i) => i).filter((i) => i !== labelCol);
  const pre = target.preprocessing;
  const wanted = pre.height * pre.width * pre.channels;
  if (featureCols.length !== wanted) {
    const labelNote = labelCol >= 0 ? ` besides the label column '${header[labelCol]}'` : " and no column named 'label'";
    throw new PareError(
      'shape-mismatch',
      `'${name}' has ${plural(featureCols.length, 'feature column')}${labelNote}; the model's input ` +
        `${shapeText(target.inputShape)} takes ${countText(wanted)} values per sample.`,
      { file: name },
    );
  }
  const sampleShape = sampleShapeFor(target.inputShape, pre);

  const data = rows.slice(1);
  const inputs = new Float32Array(data.length * wanted);
  const rawLabels: string[] = [];
  for (let r = 0; r < data.length; r++) {
    const { line, cells } = data[r];
    if (cells.length !== header.length) {
      throw bad(name, `'${name}' line ${line} has ${plural(cells.length, 'cell')}; the header has ${header.length} columns.`);
    }
    for (let f = 0; f < featureCols.length; f++) {
      const c = featureCols[f];
      const v = parseNumber(cells[c]);
      if (!Number.isFinite(v)) {
        const shown = cells[c].trim() === '' ? 'is empty' : `holds '${cells[c].trim().slice(0, 40)}'`;
        throw bad(name, `'${name}' line ${line}, column ${c + 1} ('${header[c]}') ${shown}; expected a number.`);
      }
      inputs[r * wanted + f] = v;
    }
    if (labelCol >= 0) rawLabels.push(cells[labelCol].trim());
  }

  // Pixel CSVs (an image model, whole numbers 0..255 with some above 1) get the image scaling; others are used as given.
  let scaled = false;
  if (pre.kind === 'image' && pre.scale !== '0,255') {
    let pixelLike = inputs.length > 0;
    let max = 0;
    for (let i = 0; i < inputs.length && pixelLike; i++) {
      const v = inputs[i];
      if (v < 0 || v > 255 || v !== Math.round(v)) pixelLike = false;
      if (v > max) max = v;
    }
    if (pixelLike && max > 1) {
      const { div, add } = scaleCoefficients(pre.scale, pre.channels);
      for (let i = 0; i < inputs.length; i++) inputs[i] = inputs[i] / div[i % pre.channels] + add[i % pre.channels];
      scaled = true;
    }
  }

  const { labels, classNames, classSource } =
    labelCol >= 0 ? readLabels(rawLabels, data, labelCol, header, name, target, options) :
      { labels: null, classNames: target.modelLabels ?? [], classSource: target.modelLabels ? 'model' as const : 'none' as const };

  const description =
    `${plural(data.length, 'row')} of ${plural(wanted, 'feature')} from '${name}'` +
    (labels ? `, labelled by column '${header[labelCol]}', ${plural(classNames.length, 'class', 'classes')}` : ", unlabelled (no 'label' column)") +
    (scaled ? `; values 0 to 255 read as pixels and ${scaleText(pre.scale)}` : '') +
    '.';
  return inMemoryDataset({
    kind: 'csv',
    sampleShape,
    classNames,
    classSource,
    labelled: labels !== null,
    preprocessing: scaled ? pre : null,
    skipped: [],
    description,
    inputs,
    labels,
  });
}

function columnList(header: string[]): string {
  const shown = header.slice(0, 8).map((h) => `'${h}'`).join(', ');
  return header.length > 8 ? `${shown} and ${header.length - 8} more` : shown;
}

function readLabels(
  raw: string[],
  rows: Row[],
  col: number,
  header: string[],
  name: string,
  target: DataTarget,
  options: CsvOptions,
): { labels: Int32Array; classNames: string[]; classSource: Dataset['classSource'] } {
  const given = target.modelLabels?.length ? target.modelLabels : options.labelsFile;
  const where = (r: number) => `'${name}' line ${rows[r].line}, column ${col + 1} ('${header[col]}')`;
  const allIntegers = raw.every((l) => /^\d+$/.test(l));
  const namesMatch = given && raw.every((l) => given.includes(l));
  if (allIntegers && !namesMatch) {
    const numClasses = given?.length ?? target.numClasses;
    const labels = Int32Array.from(raw, Number);
    const r = numClasses === undefined ? -1 : labels.findIndex((l) => l >= numClasses);
    if (r >= 0) {
      throw bad(name, `${where(r)} holds class index ${raw[r]}; the model has ${numClasses} classes (0 to ${numClasses! - 1}).`);
    }
    const max = labels.reduce((a, b) => Math.max(a, b), -1);
    const classNames = given ? [...given] : Array.from({ length: numClasses ?? max + 1 }, (_, i) => String(i));
    return { labels, classNames, classSource: given ? (target.modelLabels?.length ? 'model' : 'labels-file') : 'indices' };
  }
  const order = resolveClassOrder(raw, { modelLabels: target.modelLabels, labelsFile: options.labelsFile });
  if (order.unknown.length > 0) {
    const r = raw.findIndex((l) => order.indexOf.get(l) === -1);
    const known = order.classNames.slice(0, 6).map((c) => `'${c}'`).join(', ') + (order.classNames.length > 6 ? ', ...' : '');
    throw bad(name, `${where(r)} holds class '${raw[r]}', which is not among the ${order.classNames.length} classes (${known}).`);
  }
  const labels = Int32Array.from(raw, (l) => order.indexOf.get(l)!);
  const classSource = order.source === 'model' ? 'model' : order.source === 'labels-file' ? 'labels-file' : 'data';
  return { labels, classNames: order.classNames, classSource };
}

const isCsvName = (name: string) => /\.(csv|tsv)$/i.test(name);

/** One CSV or TSV file, and no images beside it (a CSV next to image folders is their metadata, not the data). */
export const csvReader: DataReader = {
  id: 'csv',
  match: (ctx) => ctx.files.filter((f) => isCsvName(f.name)).length === 1 && !ctx.files.some((f) => isImageName(f.name)),
  open: (ctx) => {
    const labelsFile = ctx.options.labelsFile ? parseLabelsFile(ctx.options.labelsFile) : undefined;
    return readCsvDataset(ctx.files.find((f) => isCsvName(f.name))!, ctx.target, { labelColumn: ctx.options.labelColumn, labelsFile });
  },
};
