/**
 * The Recover panel: recovery training of the compress controls' recipe (a finetune step before quantization),
 * in the worker on the open data, with live curves. Stop keeps the best checkpoint as a variant; Cancel
 * cancels; Resume trains the remaining epochs from the kept checkpoint. The result is a variant like any other.
 */
import { memo, useDeferredValue, useMemo } from 'react';
import { describeRecipe } from '../../src/recipe/schema';
import { recoverRecipe } from '../../src/studio/recover-recipe';
import { formatCount, formatEta, formatPercent } from '../../src/text/wording';
import { TrainingChart } from '../charts/TrainingChart';
import { bestEpochOf } from '../charts/training-lines';
import { useStaggered } from '../charts/use-staggered';
import { useThrottled } from '../charts/use-throttled';
import { recoverSettingsOf, resumeRecovery, startRecovery, stopTraining } from '../state/recover-actions';
import { currentRecipe } from '../state/selectors';
import { useStudio } from '../state/use-studio';
import { JobError, JobStatus } from './JobStatus';
import { RecoverSettingsFields } from './RecoverSettingsFields';

const TrainingReadout = memo(function TrainingReadout() {
  const training = useStudio((s) => s.training);
  if (!training) return null;
  const b = training.batch;
  const best = bestEpochOf(training.epochs);
  const bestRecord = training.epochs.find((e) => e.epoch === best);
  return (
    <dl className="stats recover-stats" data-testid="training-readout">
      <div className="stat">
        <dt>Epoch</dt>
        <dd data-testid="training-epoch">
          {b ? b.epoch : training.epochs.length} <small>of {training.totalEpochs}</small>
        </dd>
      </div>
      <div className="stat">
        <dt>Loss</dt>
        <dd>{b ? b.loss.toPrecision(3) : '—'}<small>{b?.accuracy != null ? `training accuracy ${formatPercent(b.accuracy)}` : 'training'}</small></dd>
      </div>
      <div className="stat">
        <dt>Validation accuracy</dt>
        <dd data-testid="training-best">
          {bestRecord?.validationAccuracy != null ? formatPercent(bestRecord.validationAccuracy) : '—'}
          <small>{best !== null ? `best so far: epoch ${best}` : 'after the first epoch'}</small>
        </dd>
      </div>
      <div className="stat">
        <dt>Speed</dt>
        <dd>
          {b ? formatCount(Math.round(b.samplesPerSecond)) : '—'}
          <small>{b ? `samples/s${training.result || training.ended ? '' : `, ${formatEta(b.etaSeconds * 1000)} left`}` : 'samples/s'}</small>
        </dd>
      </div>
    </dl>
  );
});

/**
 * The curves, off the urgent path: the live point moves at most once a second, and the chart renders as a
 * deferred update, so batch reports arriving every ~100 ms never add up to a long task on the main thread.
 */
const NO_EPOCHS: never[] = [];

/** Mounted with the panel (empty until training starts): mounting a chart mid-run would be a long task itself. */
const TrainingCurves = memo(function TrainingCurves() {
  const epochs = useStudio((s) => s.training?.epochs ?? NO_EPOCHS);
  const total = useStudio((s) => s.training?.totalEpochs ?? 1);
  const live = useThrottled(useStudio((s) => s.training?.live ?? null), 1000);
  // A task of its own, after the readout and the status line have taken the report.
  const shownEpochs = useStaggered(useDeferredValue(epochs), 50);
  const shownLive = useStaggered(useDeferredValue(live), 50);
  return <TrainingChart epochs={shownEpochs} live={shownLive} totalEpochs={total} />;
});

const TrainingOutcome = memo(function TrainingOutcome() {
  const result = useStudio((s) => s.training?.result ?? null);
  const ended = useStudio((s) => s.training?.ended ?? null);
  if (result) {
    return (
      <p className={result.rebuildable ? 'status' : 'note'} role="status" data-testid="training-result">
        {result.note}
        {result.resume ? ' Resume trains the remaining epochs from the kept checkpoint (the kept epochs are trained again first, as the recipe says).' : ''}
      </p>
    );
  }
  return ended === 'cancelled' ? <p className="muted small-print" data-testid="training-cancelled">Cancelled: the curves show how far it got; no variant was made.</p> : null;
});

export function RecoverPanel() {
  const model = useStudio((s) => s.model);
  const data = useStudio((s) => s.data);
  const jobKind = useStudio((s) => s.job?.kind ?? null);
  const hasTraining = useStudio((s) => s.training !== null);
  const stopping = useStudio((s) => s.training?.stopping === true);
  const result = useStudio((s) => s.training?.result ?? null);
  const edits = useStudio((s) => s.recoverEdits);
  const controls = useStudio((s) => s.controls);
  const loadedRecipe = useStudio((s) => s.loadedRecipe);
  const settings = useMemo(() => recoverSettingsOf({ recoverEdits: edits, controls }), [edits, controls]);
  const recipe = useMemo(() => recoverRecipe(currentRecipe({ controls, loadedRecipe }), settings), [controls, loadedRecipe, settings]);
  if (!model) return null;
  const busy = jobKind !== null;
  const trainingNow = jobKind === 'train';
  const canResume = !busy && result?.resume != null;
  return (
    <section className="panel recover" aria-labelledby="recover-title">
      <div className="panel-head">
        <h2 id="recover-title" className="panel-title">
          Recover
        </h2>
        <span className="panel-subject">fine-tune the pruned model on your data; pruned weights stay zero</span>
      </div>
      <RecoverSettingsFields disabled={busy} />
      <p className="note" data-testid="recover-recipe">
        Trains <code>{describeRecipe(recipe)}</code>. Quantization runs after training, keeping zeros exact.
        {settings.schedule === 'gradual' && ' The gradual schedule does the pruning, so the one-shot prune step is left out.'}
      </p>
      <div className="apply-row">
        <button type="button" className="button primary" aria-disabled={busy || !data} onClick={() => !busy && void startRecovery()}>
          Start training
        </button>
        {trainingNow && (
          <button type="button" className="button" onClick={stopTraining} disabled={stopping} title="Ends training after the batch under way; the best epoch so far becomes a variant">
            {stopping ? 'Stopping…' : 'Stop (keep the best)'}
          </button>
        )}
        {result?.resume && (
          <button type="button" className="button" aria-disabled={!canResume} onClick={() => canResume && void resumeRecovery()}>
            Resume
          </button>
        )}
        <p className="hint">{data ? 'Stop keeps the best epoch so far as a variant; Cancel keeps nothing.' : 'Open data in the Data panel to train.'}</p>
      </div>
      <JobStatus kinds={['train']} />
      <JobError kinds={['train']} fallback="Training failed" />
      {hasTraining && <TrainingReadout />}
      <TrainingCurves />
      <TrainingOutcome />
    </section>
  );
}
