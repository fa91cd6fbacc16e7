/**
 * The Data panel: evaluation data for measuring accuracy. Drop IDX, CSV, image folders or a zip, or use the
 * sample's data; see the class mapping, the preprocessing in use, a few samples with their labels, and what was
 * skipped.
 */
import { useFileDrop } from '../files/use-file-drop';
import { hasSampleData } from '../files/samples';
import type { Scale } from '../../src/worker/api';
import { closeData, dismissDataError, openDataFiles, openSampleData, setDataScale } from '../state/actions';
import { modelOutputWidth } from '../state/data-actions';
import { useStudio } from '../state/use-studio';
import { formatCount } from '../../src/text/wording';
import { ClassNamesEditor } from './ClassNamesEditor';
import { ErrorAlert } from './ErrorAlert';
import { SampleThumb } from './SampleThumb';

/** The pixel scalings on offer; ImageNet's mean and std for models trained the torchvision way. */
const scales: { value: string; label: string; scale: Scale }[] = [
  { value: '0,1', label: '[0, 1]', scale: '0,1' },
  { value: '-1,1', label: '[-1, 1]', scale: '-1,1' },
  { value: '0,255', label: 'raw 0–255', scale: '0,255' },
  { value: 'imagenet', label: 'ImageNet mean/std', scale: { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] } },
];

function scaleValue(scale: Scale): string {
  return typeof scale === 'string' ? scale : 'imagenet';
}

const classSourceText = {
  model: "from the model's metadata",
  'labels-file': 'from the labels file',
  folders: 'from the folder names',
  data: 'from the labels in the data',
  indices: 'as output indices',
  none: 'unknown',
  edited: 'edited',
} as const;

export function DataPanel() {
  const model = useStudio((s) => s.model);
  const data = useStudio((s) => s.data);
  const source = useStudio((s) => s.dataSource);
  const opening = useStudio((s) => s.dataOpening);
  const error = useStudio((s) => s.dataError);
  const samples = useStudio((s) => s.samples.entries);
  const sample = samples.find((e) => e.id === model?.source.sampleId && hasSampleData(e));
  const { over, zone, onChoose } = useFileDrop(openDataFiles);

  return (
    <section className="panel" aria-labelledby="data-panel-title" aria-busy={opening !== null}>
      <h2 id="data-panel-title" className="panel-title">
        Data
      </h2>
      <div
        className="dropzone compact"
        data-testid="data-drop-zone"
        data-over={over || undefined}
        {...zone}
      >
        <p className="dropzone-title">Drop labelled data to measure accuracy</p>
        <p className="dropzone-hint">
          IDX images + labels (.gz too), a CSV with a label column, or image folders (one per class), or a zip of them
        </p>
        <div className="dropzone-actions">
          <input id="open-data-input" className="visually-hidden" type="file" multiple aria-label="Open data" onChange={onChoose} />
          <label htmlFor="open-data-input" className="button">
            Choose data…
          </label>
          <input
            id="open-data-folder-input"
            className="visually-hidden"
            type="file"
            aria-label="Open data folder"
            onChange={onChoose}
            ref={(input) => input?.setAttribute('webkitdirectory', '')}
          />
          <label htmlFor="open-data-folder-input" className="button">
            Folder…
          </label>
        </div>
        {sample && (
          <button type="button" className="button small accent-outline" onClick={() => void openSampleData(sample, import.meta.env.BASE_URL)}>
            Use the sample's test images
          </button>
        )}
      </div>

      {opening && (
        <p className="status" role="status">
          <span className="spinner" aria-hidden="true" />
          <span className="status-text">Reading {opening.label}…</span>
        </p>
      )}
      {error && <ErrorAlert error={error} onDismiss={dismissDataError} fallback="Could not read the data" />}
      {!model && source && !opening && (
        <p className="note">{source.label} will be read once a model is open: its preprocessing follows the model.</p>
      )}
      {!data && !source && !opening && (
        <p className="muted small-print">
          Without data, variants are compared with the original on generated inputs: a weak proxy, and labelled so.
        </p>
      )}

      {data && (
        <div className="data-summary" aria-label="Evaluation data summary">
          <div className="open-model">
            <div className="open-model-text">
              <span className="open-model-name" title={data.source.label}>
                {data.source.label}
              </span>
              <span className="open-model-meta" data-testid="data-count">
                {formatCount(data.summary.size)} samples · {data.summary.labelled ? 'labelled' : 'no labels'}
              </span>
            </div>
            <button type="button" className="button ghost small" onClick={closeData}>
              Remove
            </button>
          </div>
          <p className="small-print">{data.summary.description}</p>
          {data.summary.preprocessing && (
            <p className="preprocessing" data-testid="preprocessing">
              <strong>Preprocessing.</strong> {data.summary.preprocessing.description}
            </p>
          )}
          {data.summary.preprocessing?.kind === 'image' && (
            <label className="inline-control">
              <span>Pixel scaling</span>
              <select
                className="input small"
                value={scaleValue(data.summary.preprocessing.scale)}
                onChange={(e) => void setDataScale(scales.find((x) => x.value === e.target.value)?.scale)}
              >
                {scales.map((x) => (
                  <option key={x.value} value={x.value}>
                    {x.label}
                  </option>
                ))}
              </select>
            </label>
          )}
          {data.previews.length > 0 && (
            <ul className="thumbs" aria-label="Samples as the model sees them">
              {data.previews.map((p, i) => (
                <li key={i}>
                  <SampleThumb preview={p} />
                  <span className="thumb-label" title={p.className ?? undefined}>
                    {p.className ?? 'unlabelled'}
                  </span>
                </li>
              ))}
            </ul>
          )}
          {data.summary.classNames.length > 0 && (
            <details className="class-map">
              <summary>
                {formatCount(data.summary.classNames.length)} classes, {classSourceText[data.summary.classSource]}
              </summary>
              <ol className="class-list" start={0} aria-label="Class names in output order">
                {data.summary.classNames.map((name, i) => (
                  <li key={i}>
                    <span className="mono muted">{i}</span> {name}
                  </li>
                ))}
              </ol>
              <ClassNamesEditor
                key={data.id}
                classNames={data.summary.classNames}
                edited={data.summary.classSource === 'edited'}
                outputWidth={modelOutputWidth(model)}
              />
            </details>
          )}
          {data.summary.skipped.length > 0 && (
            <details className="skipped" open>
              <summary>Skipped ({formatCount(data.summary.skipped.reduce((n, s) => n + s.count, 0))})</summary>
              <ul>
                {data.summary.skipped.map((s, i) => (
                  <li key={i}>
                    <code>{s.item}</code>: {s.reason}
                  </li>
                ))}
              </ul>
            </details>
          )}
        </div>
      )}
    </section>
  );
}
