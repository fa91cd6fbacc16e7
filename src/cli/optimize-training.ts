/**
 * The training side of `pare optimize`: training progress on stderr (a redrawn line on a terminal, one line per
 * epoch either way), what each training step reported, and the final model measured on the --val data.
 */
import type { CliIO } from './command';
import type { ProgressLine } from './progress-line';
import type { OpenedModel } from '../model/types';
import type { Variant } from '../recipe/variant';
import type { Dataset } from '../evaluate/dataset';
import type { EpochRecord, TrainProgress } from '../train/types';

/** One training step of the recipe, as the summary reports it. */
export interface TrainingReport {
  /** 'recipe.steps[1]'. */
  where: string;
  /** The step's kind: 'finetune', or 'retarget' (its new head's epochs). */
  step: string;
  epochs: EpochRecord[];
  /** The epoch the step kept (its best checkpoint), or null. */
  best: EpochRecord | null;
  /** Training throughput at the end of the step. */
  samplesPerSecond: number;
}

/** The exported model measured on the --val data: top-1 accuracy over every sample. */
export interface ValidationFigures {
  samples: number;
  accuracy: number | null;
  description: string;
}

const pct = (x: number | null) => (x === null ? '-' : `${(100 * x).toFixed(2)}%`);
const num = (x: number | null) => (x === null ? '-' : x.toFixed(4));

function epochLine(where: string, step: string, epochs: number, e: EpochRecord): string {
  const val = e.validationLoss === null ? '' : `, validation loss ${num(e.validationLoss)}${e.validationAccuracy === null ? '' : `, accuracy ${pct(e.validationAccuracy)}`}`;
  return `${where} ${step} epoch ${e.epoch}/${epochs}: loss ${num(e.loss)}${e.accuracy === null ? '' : `, accuracy ${pct(e.accuracy)}`}${val}${e.best ? ' (best so far)' : ''}, ${e.seconds.toFixed(1)} s`;
}

/**
 * A progress callback for ApplyOptions.onTraining, and the reports it collects.
 * @example const t = trainingReporter(io, progress); await applyRecipe(m, r, { onTraining: t.onTraining });
 */
export function trainingReporter(io: CliIO, progress: ProgressLine, stepOf: (where: string) => string = () => 'finetune'): { onTraining: (p: TrainProgress, where: string) => void; reports: TrainingReport[] } {
  const reports: TrainingReport[] = [];
  let epochs = 0;
  const reportOf = (where: string) => {
    let r = reports.find((x) => x.where === where);
    if (!r) reports.push((r = { where, step: stepOf(where), epochs: [], best: null, samplesPerSecond: 0 }));
    return r;
  };
  return {
    reports,
    onTraining(p, where) {
      const r = reportOf(where);
      if (p.kind === 'batch') {
        epochs = p.epochs;
        r.samplesPerSecond = p.samplesPerSecond;
        const acc = p.accuracy === null ? '' : `, accuracy ${pct(p.accuracy)}`;
        const sparsity = p.sparsity === null ? '' : `, sparsity ${pct(p.sparsity)}`;
        progress.show(`training epoch ${p.epoch}/${p.epochs}, batch ${p.batch}/${p.batches}: loss ${num(p.loss)}${acc}${sparsity}, ${Math.round(p.samplesPerSecond).toLocaleString('en-US')} samples/s, about ${Math.ceil(p.etaSeconds)} s left`);
        return;
      }
      const { kind: _kind, ...record } = p;
      r.epochs.push(record);
      if (record.best) r.best = record;
      progress.clear();
      io.err(epochLine(where, r.step, epochs, record) + '\n');
    },
  };
}

/** The final model (every step applied, as exported) measured on `data`. */
export async function measureOnValidation(model: OpenedModel, variant: Variant, data: Dataset): Promise<ValidationFigures> {
  const [{ loadTfModel }, { variantArtifacts }, { evaluateModel }] = await Promise.all([
    import('../model/load-tf'),
    import('../recipe/artifacts'),
    import('../evaluate/evaluate'),
  ]);
  const tfModel = await loadTfModel(variantArtifacts(model, variant), model.format);
  try {
    const r = await evaluateModel(tfModel, data);
    return { samples: r.samples, accuracy: r.accuracy?.accuracy ?? null, description: data.description };
  } finally {
    tfModel.dispose();
  }
}

/** The lines the text summary adds for training. */
export function renderTraining(reports: TrainingReport[], validation: ValidationFigures | null): string[] {
  const lines: string[] = [];
  for (const r of reports) {
    const b = r.best;
    const kept = b ? `kept epoch ${b.epoch} of ${r.epochs.length}: validation loss ${num(b.validationLoss)}, validation accuracy ${pct(b.validationAccuracy)}` : 'no checkpoint kept';
    lines.push(`${r.where} ${r.step}: ${kept}; ${Math.round(r.samplesPerSecond).toLocaleString('en-US')} samples/s`);
  }
  if (validation) lines.push(`final model on --val (${validation.description}): accuracy ${pct(validation.accuracy)} over ${validation.samples.toLocaleString('en-US')} samples`);
  return lines.length ? ['', ...lines] : [];
}
