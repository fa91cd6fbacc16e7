/** The Model panel: bring a model in, see that it is being read, see what went wrong, and what is open. */
import { useStudio } from '../state/use-studio';
import { cancelOpen, closeModel, dismissModelError } from '../state/actions';
import { formatBytes, formatCount } from '../../src/text/wording';
import { DropZone } from './DropZone';
import { ErrorAlert } from './ErrorAlert';
import { SampleList } from './SampleList';

export function ModelPanel() {
  const opening = useStudio((s) => s.opening);
  const error = useStudio((s) => s.modelError);
  const model = useStudio((s) => s.model);

  return (
    <section className="panel" aria-labelledby="model-panel-title" aria-busy={opening !== null}>
      <h2 id="model-panel-title" className="panel-title">
        Model
      </h2>
      <DropZone busy={opening !== null} />
      {opening && (
        <div className="status" role="status">
          <span className="spinner" aria-hidden="true" />
          <span className="status-text">Opening {opening.label}…</span>
          <button type="button" className="button small" onClick={cancelOpen}>
            Cancel
          </button>
        </div>
      )}
      {error && <ErrorAlert error={error} onDismiss={dismissModelError} />}
      {model && (
        <div className="open-model" aria-label="Open model summary">
          <div className="open-model-text">
            <span className="open-model-name" title={model.source.label}>
              {model.source.label}
            </span>
            <span className="open-model-meta">
              {model.inventory.format} · {formatCount(model.inventory.params)} params ·{' '}
              {formatBytes(model.inventory.weightBytes)}
            </span>
          </div>
          <button type="button" className="button ghost small" onClick={() => void closeModel()}>
            Close
          </button>
        </div>
      )}
      <SampleList />
    </section>
  );
}
