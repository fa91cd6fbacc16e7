/** The sample models the app ships, for a first look without files of one's own. */
import { useStudio } from '../state/use-studio';
import { openSample } from '../state/actions';
import { formatCount, formatPercent } from '../../src/text/wording';
import { ErrorAlert } from './ErrorAlert';

export function SampleList() {
  const samples = useStudio((s) => s.samples);
  if (samples.status === 'error' && samples.error) return <ErrorAlert error={samples.error} />;
  if (samples.entries.length === 0) return null;
  return (
    <div className="samples">
      <h3 className="subheading">No model at hand? Try a sample</h3>
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
              <span className="sample-meta">
                {sample.params !== undefined && <span>{formatCount(sample.params)} params</span>}
                {sample.accuracy?.test10k !== undefined && (
                  <span>{formatPercent(sample.accuracy.test10k)} test accuracy</span>
                )}
              </span>
            </div>
            <button
              type="button"
              className="button small"
              aria-label={`Open sample model: ${sample.name}`}
              onClick={() => void openSample(sample, import.meta.env.BASE_URL)}
            >
              Open
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
