/**
 * The sample models the app ships. Before any model is open they are the quickest start, so they take the
 * workspace as large cards ("Start here"); once a model is open, a compact list in the Model panel offers them
 * for switching. Only one of the two is on the page at a time, so each sample has one "Open" button.
 */
import type { SampleEntry } from '../files/samples';
import { useStudio } from '../state/use-studio';
import { openSample } from '../state/actions';
import { formatCount, formatPercent } from '../../src/text/wording';
import { ErrorAlert } from './ErrorAlert';

function SampleFacts({ sample }: { sample: SampleEntry }) {
  return (
    <span className="sample-meta">
      {sample.params !== undefined && <span>{formatCount(sample.params)} params</span>}
      {sample.accuracy?.test10k !== undefined && <span>{formatPercent(sample.accuracy.test10k)} test accuracy</span>}
    </span>
  );
}

function OpenSampleButton({ sample, primary }: { sample: SampleEntry; primary?: boolean }) {
  return (
    <button
      type="button"
      className={primary ? 'button primary' : 'button small'}
      aria-label={`Open sample model: ${sample.name}`}
      onClick={() => void openSample(sample, import.meta.env.BASE_URL)}
    >
      {primary ? 'Open this sample' : 'Open'}
    </button>
  );
}

/** The compact list, in the Model panel while a model is open. */
export function SampleList() {
  const samples = useStudio((s) => s.samples);
  const hasModel = useStudio((s) => s.model !== null);
  if (!hasModel) return null;
  if (samples.status === 'error' && samples.error) return <ErrorAlert error={samples.error} />;
  if (samples.entries.length === 0) return null;
  return (
    <div className="samples">
      <h3 className="subheading">Samples</h3>
      <ul className="sample-list">
        {samples.entries.map((sample) => (
          <li key={sample.id} className="sample">
            <div className="sample-text">
              <span className="sample-name">{sample.name}</span>
              {sample.description && (
                <span className="sample-description" title={sample.description}>
                  {sample.description}
                </span>
              )}
              <SampleFacts sample={sample} />
            </div>
            <OpenSampleButton sample={sample} />
          </li>
        ))}
      </ul>
    </div>
  );
}

/** "Start here": the samples as the first thing to do, in the workspace while no model is open. */
export function SampleStart() {
  const samples = useStudio((s) => s.samples);
  const hasModel = useStudio((s) => s.model !== null);
  const opening = useStudio((s) => s.opening !== null);
  if (hasModel) return null;
  return (
    <section className="panel start" aria-labelledby="start-title">
      <h2 id="start-title" className="start-title">
        Start with a sample
      </h2>
      <p className="muted">
        The quickest way to see what pruning and quantization do: each sample is a small trained model that ships
        with labelled test images to measure accuracy on. Or drop your own TensorFlow.js model on the Model panel.
      </p>
      {samples.status === 'error' && samples.error && <ErrorAlert error={samples.error} />}
      {samples.status === 'loading' && samples.entries.length === 0 && (
        <p className="status" role="status">
          <span className="spinner" aria-hidden="true" /> Loading the samples…
        </p>
      )}
      <ul className="start-cards" aria-busy={opening}>
        {samples.entries.map((sample) => (
          <li key={sample.id} className="start-card">
            <span className="start-card-name">{sample.name}</span>
            {sample.description && <span className="start-card-description">{sample.description}</span>}
            <SampleFacts sample={sample} />
            <OpenSampleButton sample={sample} primary />
          </li>
        ))}
      </ul>
    </section>
  );
}
