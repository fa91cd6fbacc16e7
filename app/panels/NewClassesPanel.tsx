/**
 * The New classes panel (transfer learning): drop image folders, one per class; see the classes found with their
 * counts and a few images as the model sees them; pick where the model is cut (the layers a new head can read,
 * with their shapes, the default marked); Train with live epochs and Cancel. The result is a variant named after
 * its classes, measured on the held-out images of the folders, on the charts and exportable like any other.
 */
import { useEffect } from 'react';
import { formatCount, formatPercent, formatShape } from '../../src/text/wording';
import { TrainingChart } from '../charts/TrainingChart';
import { useFileDrop } from '../files/use-file-drop';
import { dismissClassesError, HOLD_OUT, loadCutChoices, openClassFolders, setClassesSettings, trainNewClasses } from '../state/classes-actions';
import type { ClassesTraining } from '../state/classes-slice';
import { useStudio } from '../state/use-studio';
import { ErrorAlert } from './ErrorAlert';
import { JobError, JobStatus } from './JobStatus';
import { SampleThumb } from './SampleThumb';
import css from './NewClassesPanel.module.css';

function TrainingReadout({ training, epochs, unfreeze }: { training: ClassesTraining; epochs: number; unfreeze: number }) {
  const last = training.epochs.at(-1);
  const unfrozen = training.unfrozen.at(-1);
  return (
    <div className={css.readout} data-testid="classes-training">
      <p className="small-print">
        {last
          ? `Epoch ${last.epoch} of ${epochs}: loss ${last.loss.toFixed(3)}${last.validationAccuracy !== null ? `, validation accuracy ${formatPercent(last.validationAccuracy)}` : ''}`
          : 'Computing the frozen features of every training image…'}
        {training.samplesPerSecond !== null && ` · ${formatCount(Math.round(training.samplesPerSecond))} samples/s`}
      </p>
      {unfrozen && (
        <p className="small-print">
          {`Top ${unfreeze} backbone layers unfrozen, epoch ${unfrozen.epoch}: loss ${unfrozen.loss.toFixed(3)}${unfrozen.validationAccuracy !== null ? `, validation accuracy ${formatPercent(unfrozen.validationAccuracy)}` : ''}`}
        </p>
      )}
      <TrainingChart epochs={training.epochs} live={null} totalEpochs={epochs} />
    </div>
  );
}

export function NewClassesPanel() {
  const model = useStudio((s) => s.model);
  const classes = useStudio((s) => s.classes);
  const opening = useStudio((s) => s.classesOpening);
  const error = useStudio((s) => s.classesError);
  const cuts = useStudio((s) => s.cuts);
  const cutsError = useStudio((s) => s.cutsError);
  const settings = useStudio((s) => s.classesSettings);
  const training = useStudio((s) => s.classesTraining);
  const busy = useStudio((s) => s.job !== null);
  const result = useStudio((s) => (s.classes ? s.variants.filter((v) => v.newClasses?.dataKey === s.classes!.key && v.measurement).at(-1) : undefined));
  const { over, zone, onChoose } = useFileDrop(openClassFolders);

  useEffect(() => {
    if (model && !cuts && !cutsError) void loadCutChoices();
  }, [model, cuts, cutsError]);

  const cut = settings.cut ?? cuts?.defaultCut ?? '';
  const canTrain = classes !== null && !cutsError && !busy;
  const previewsOf = (name: string) => classes?.previews.filter((p) => p.className === name) ?? [];

  return (
    <section className="panel" aria-labelledby="classes-title" aria-busy={opening !== null}>
      <div className="panel-head">
        <h2 id="classes-title" className="panel-title">
          New classes
        </h2>
        <span className="panel-subject">transfer learning: a new head for your own classes</span>
      </div>
      <div
        className="dropzone compact"
        data-testid="classes-drop-zone"
        data-over={over || undefined}
        {...zone}
      >
        <p className="dropzone-title">Drop image folders, one per class</p>
        <p className="dropzone-hint">
          Each folder is named after its class. {formatPercent(HOLD_OUT, 0)} of each class is held out to measure the new model on.
        </p>
        <div className="dropzone-actions">
          <input id="open-classes-input" className="visually-hidden" type="file" multiple aria-label="Open class folders" onChange={onChoose} ref={(input) => input?.setAttribute('webkitdirectory', '')} />
          <label htmlFor="open-classes-input" className="button">
            Choose a folder of class folders…
          </label>
        </div>
      </div>

      {opening && (
        <p className="status" role="status">
          <span className="spinner" aria-hidden="true" />
          <span className="status-text">Reading {opening}…</span>
        </p>
      )}
      {error && <ErrorAlert error={error} onDismiss={dismissClassesError} fallback="Could not use these folders" />}
      {/* A limit of the model, not a mistake of the user's: said plainly, not as an alert. */}
      {cutsError && (
        <p className="muted small-print" data-testid="cuts-note">
          <strong>This model cannot learn new classes:</strong> {cutsError.message}
        </p>
      )}

      {classes && (
        <ul className={css.classes} aria-label="Classes found">
          {classes.classes.map((c) => (
            <li key={c.name} className={css.class}>
              <span className={css.className}>{c.name}</span>
              <span className="muted small-print">
                {formatCount(c.images)} images · {formatCount(c.training)} train, {formatCount(c.test)} test
              </span>
              <span className={css.thumbs}>
                {previewsOf(c.name).map((p, i) => (
                  <SampleThumb key={i} preview={p} />
                ))}
              </span>
            </li>
          ))}
        </ul>
      )}

      <div className={css.controls}>
        <label className="inline-control">
          <span>Cut at</span>
          <select aria-label="Cut at" className="input small" value={cut} disabled={!cuts} onChange={(e) => setClassesSettings({ cut: e.target.value })}>
            {[...(cuts?.choices ?? [])].reverse().map((c) => (
              <option key={c.name} value={c.name}>
                {c.name} ({c.className}) {formatShape(c.shape.slice(1))}
                {c.isDefault ? ' — default' : ''}
              </option>
            ))}
          </select>
        </label>
        <label className="inline-control">
          <span>Epochs</span>
          <input
            aria-label="Epochs"
            className="input small"
            type="number"
            min={1}
            max={500}
            value={settings.epochs}
            onChange={(e) => Number.isInteger(e.target.valueAsNumber) && e.target.valueAsNumber >= 1 && setClassesSettings({ epochs: e.target.valueAsNumber })}
          />
        </label>
        <label className="inline-control">
          <span>Learning rate</span>
          <input
            aria-label="Learning rate"
            className="input small"
            type="number"
            min={0}
            step="any"
            value={settings.learningRate}
            onChange={(e) => e.target.valueAsNumber > 0 && setClassesSettings({ learningRate: e.target.valueAsNumber })}
          />
        </label>
        <label className="inline-control">
          <span>Unfreeze top layers</span>
          <input
            aria-label="Unfreeze top layers"
            className="input small"
            type="number"
            min={0}
            max={50}
            value={settings.unfreeze}
            title="After the head, this many weight-bearing layers below the cut train with it (kept only if the held-apart images score better); 0 keeps the backbone frozen"
            onChange={(e) => Number.isInteger(e.target.valueAsNumber) && e.target.valueAsNumber >= 0 && setClassesSettings({ unfreeze: e.target.valueAsNumber })}
          />
        </label>
        <label className="inline-control">
          <input type="checkbox" checked={settings.compress} onChange={(e) => setClassesSettings({ compress: e.target.checked })} />
          <span>then the Compress panel's recipe</span>
        </label>
        <button type="button" className="button primary small" aria-disabled={!canTrain} onClick={() => canTrain && void trainNewClasses()}>
          Train
        </button>
      </div>
      <p className="hint">
        {classes
          ? 'The layers below the cut are kept frozen; their features are computed once, and a new softmax head learns your classes on them.'
          : 'Drop class folders to train: the model keeps its layers up to the cut and learns a new head for your classes.'}
      </p>
      <JobStatus kinds={['retarget']} />
      <JobError kinds={['retarget']} fallback="Could not teach the new classes" />
      {training && <TrainingReadout training={training} epochs={settings.epochs} unfreeze={settings.unfreeze} />}
      {result?.measurement?.quality && !busy && (
        <p className="note" data-testid="classes-result">
          <strong>{result.name}</strong>: {formatPercent(result.measurement.quality.value)} accuracy on {formatCount(result.measurement.quality.samples)} held-out images. It is selected: the Export panel downloads it with its labels.
        </p>
      )}
    </section>
  );
}
