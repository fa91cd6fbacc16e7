/**
 * What `pare eval` prints: the JSON summary (accuracy or fidelity, with what was skipped and the preprocessing)
 * and its human-readable form, with the per-class table and a confusion matrix that fits a terminal.
 */
import type { PareWarning } from '../errors';
import type { SkippedItem } from '../evaluate/dataset';
import type { EvaluationResult } from '../evaluate/evaluate';
import type { ClassAccuracy } from '../evaluate/metrics';
import type { Preprocessing } from '../evaluate/preprocessing';
import type { CliBackend, WasmRuntime } from './backend';
import { backendText } from './backend';
import { formatPercent, formatRelativeError } from '../text/wording';
import { count, textTable } from './text-table';

interface Common {
  model: { path: string; file: string; format: string };
  /** The data as read: one sentence, or the generated inputs' description. */
  data: string;
  classNames: string[];
  /** Where the class names came from ('model', 'labels-file', 'folders', 'data', 'indices', 'none'). */
  classSource: string;
  preprocessing: Preprocessing | null;
  skipped: SkippedItem[];
  backend: CliBackend;
  wasm: WasmRuntime;
  batch: number;
  warnings: PareWarning[];
  durationMs: number;
}

/** `pare eval <model> --data ...`: the issue's `{samples, accuracy, top5, perClass, confusion, loss}` and more. */
export interface AccuracySummary extends Common {
  kind: 'accuracy';
  samples: number;
  accuracy: number;
  top5: number | null;
  perClass: ClassAccuracy[];
  confusion: number[][];
  loss: number;
  /** Samples predicted right. */
  correct: number;
  /** Whether outputs were read as probabilities or as logits (softmax applied) for the loss. */
  outputs: 'probabilities' | 'logits' | 'mixed';
  /** Samples with NaN or infinite outputs, counted as wrong. */
  nonFinite: number;
}

/** `pare eval <variant> --reference <original>`: `{samples, agreement, cosine, relativeError, maxAbsDiff}`, and accuracy too with labels. */
export interface FidelitySummary extends Common {
  kind: 'fidelity';
  reference: { path: string; file: string; format: string };
  samples: number;
  agreement: number;
  cosine: number;
  maxAbsDiff: number;
  /** ||y' - y|| / ||y|| over every output value: the measure that works for one-output and embedding models. */
  relativeError: number;
  /** True when measured on generated inputs, not on data: a weak proxy. */
  weakProxy: boolean;
  /** The variant's own accuracy, when the data has labels. */
  accuracy: number | null;
  top5: number | null;
  loss: number | null;
  perClass: ClassAccuracy[] | null;
  confusion: number[][] | null;
}

export type EvalSummary = AccuracySummary | FidelitySummary;

/** Builds the summary from an evaluation; `reference` is given in fidelity mode. */
export function evalSummary(
  result: EvaluationResult,
  common: Omit<Common, 'skipped' | 'warnings' | 'durationMs' | 'data' | 'classNames'> & { classNames?: string[] },
  reference: FidelitySummary['reference'] | null,
): EvalSummary {
  const base: Common = {
    ...common,
    data: result.data.description,
    classNames: common.classNames ?? result.data.classNames,
    skipped: result.skipped,
    warnings: result.warnings,
    durationMs: Math.round(result.durationMs),
  };
  const acc = result.accuracy;
  const correct = acc ? acc.perClass.reduce((n, c) => n + c.correct, 0) : 0;
  if (reference && result.fidelity) {
    const f = result.fidelity;
    return {
      kind: 'fidelity',
      ...base,
      reference,
      samples: result.samples,
      agreement: f.agreement,
      cosine: f.cosine,
      maxAbsDiff: f.maxAbsDiff,
      relativeError: f.relativeError,
      weakProxy: f.weakProxy,
      accuracy: acc?.accuracy ?? null,
      top5: acc?.top5 ?? null,
      loss: acc?.loss ?? null,
      perClass: acc?.perClass ?? null,
      confusion: acc?.confusion ?? null,
    };
  }
  return {
    kind: 'accuracy',
    ...base,
    samples: result.samples,
    accuracy: acc?.accuracy ?? 0,
    top5: acc?.top5 ?? null,
    perClass: acc?.perClass ?? [],
    confusion: acc?.confusion ?? [],
    loss: acc?.loss ?? 0,
    correct,
    outputs: acc?.outputs ?? 'probabilities',
    nonFinite: acc?.nonFinite ?? 0,
  };
}

const pct = (x: number | null) => (x === null ? '-' : formatPercent(x, 2));

function skippedLines(skipped: SkippedItem[]): string[] {
  if (skipped.length === 0) return ['skipped     nothing'];
  const total = skipped.reduce((n, s) => n + s.count, 0);
  return [
    `skipped     ${count(total)} (what could be used was used):`,
    ...skipped.map((s) => `  - ${s.item}: ${s.reason}`),
  ];
}

/** Rows: true class; columns: predicted class, headed by index so ten classes fit in 80 columns. */
export function confusionText(confusion: number[][], names: string[]): string {
  const k = confusion.length;
  const label = (i: number) => `${i} ${names[i] ?? ''}`.trimEnd();
  const title = 'true \\ predicted';
  const labelWidth = Math.max(title.length, ...confusion.map((_, i) => label(i).length));
  const cellWidth = Math.max(3, String(k - 1).length, ...confusion.flat().map((v) => String(v).length));
  const header = `${title.padEnd(labelWidth)}  ${confusion.map((_, j) => String(j).padStart(cellWidth)).join(' ')}`;
  const rows = confusion.map((row, i) => `${label(i).padEnd(labelWidth)}  ${row.map((v) => String(v).padStart(cellWidth)).join(' ')}`);
  return [header, ...rows].join('\n');
}

function perClassText(perClass: ClassAccuracy[]): string {
  return textTable<ClassAccuracy & { index: number }>(
    [
      { title: '#', value: (c) => String(c.index), align: 'right' },
      { title: 'class', value: (c) => c.name, max: 32 },
      { title: 'correct', value: (c) => `${count(c.correct)} / ${count(c.total)}`, align: 'right' },
      { title: 'accuracy', value: (c) => pct(c.accuracy), align: 'right' },
    ],
    perClass.map((c, index) => ({ ...c, index })),
  );
}

function headerLines(s: EvalSummary): string[] {
  const lines = [
    s.kind === 'fidelity'
      ? `${s.model.file} (${s.model.format}) against ${s.reference.file} on ${backendText(s.backend, s.wasm)}, batch ${s.batch}`
      : `${s.model.file} (${s.model.format}) on ${backendText(s.backend, s.wasm)}, batch ${s.batch}`,
    `data        ${s.data}`,
  ];
  if (s.preprocessing) lines.push(`preprocess  ${s.preprocessing.description}`);
  if (s.classNames.length && s.classSource !== 'none') lines.push(`classes     ${s.classNames.length} (${classSourceText(s.classSource)})`);
  return lines;
}

function classSourceText(source: string): string {
  switch (source) {
    case 'model': return "from the model's metadata";
    case 'labels-file': return 'from the labels file';
    case 'folders': case 'data': return 'from the names found in the data, sorted';
    case 'indices': return 'output indices; give --labels for names';
    default: return source;
  }
}

/** The human-readable report. */
export function renderEval(s: EvalSummary): string {
  const lines = headerLines(s);
  lines.push('');
  if (s.kind === 'fidelity') {
    if (s.weakProxy) {
      lines.push('WEAK PROXY: no --data was given, so fidelity is measured on generated inputs, not real data.', '');
    }
    lines.push(
      `agreement   ${pct(s.agreement)}  (same top-1 prediction as the reference)`,
      `cosine      ${s.cosine.toFixed(6)}  (mean cosine similarity of the outputs)`,
      `rel. error  ${formatRelativeError(s.relativeError)}  (||y' - y|| / ||y|| over every output value)`,
      `max |diff|  ${s.maxAbsDiff.toPrecision(4)}  (largest absolute difference of any output value)`,
    );
    if (s.accuracy !== null) lines.push(`accuracy    ${pct(s.accuracy)}  (this model on the labelled data)`);
  } else {
    lines.push(
      `accuracy    ${pct(s.accuracy)}  (${count(s.correct)} of ${count(s.samples)})`,
      `top-5       ${s.top5 === null ? '- (fewer than 5 classes)' : pct(s.top5)}`,
      `loss        ${s.loss.toFixed(4)}  (mean cross-entropy; outputs read as ${s.outputs === 'logits' ? 'logits, softmax applied' : s.outputs === 'mixed' ? 'probabilities or logits by row' : 'probabilities'})`,
    );
    if (s.nonFinite) lines.push(`non-finite  ${count(s.nonFinite)} samples had NaN or infinite outputs (counted wrong)`);
  }
  lines.push(`samples     ${count(s.samples)}`, ...skippedLines(s.skipped));
  const perClass = s.perClass;
  const confusion = s.confusion;
  if (perClass && perClass.length && confusion) {
    lines.push('', 'per class', perClassText(perClass), '', 'confusion matrix (rows: true class, columns: predicted class)', confusionText(confusion, perClass.map((c) => c.name)));
  }
  for (const w of s.warnings) if (w.code !== 'weak-proxy') lines.push(`note: ${w.message}`);
  return lines.join('\n');
}
