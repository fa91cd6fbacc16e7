/** The live export-size estimate of the recipe in the controls, next to the original's size. */
import { useStudio } from '../state/use-studio';
import { formatBytes, formatChange, formatExactBytes, formatPercent } from '../../src/text/wording';

export function EstimateReadout() {
  const estimate = useStudio((s) => s.estimate);
  const inventory = useStudio((s) => s.model?.inventory);
  const v = estimate.value;
  const original = inventory ? inventory.weightBytes + inventory.modelJsonBytes : null;
  return (
    <div
      className="control estimate"
      aria-live="polite"
      aria-busy={estimate.status === 'pending'}
      data-status={estimate.status}
      data-testid="size-estimate"
    >
      <span className="control-label">
        Export size <span className="badge">estimate</span>
      </span>
      {v ? (
        <dl className="estimate-figures">
          <div>
            <dt>Raw</dt>
            <dd title={formatExactBytes(v.totalBytes)} data-testid="estimate-raw">
              {formatBytes(v.totalBytes)}
              {original !== null && <small>{formatChange(v.totalBytes / original)}</small>}
            </dd>
          </div>
          <div>
            <dt>gzip</dt>
            <dd title={`about ${formatExactBytes(v.totalGzipBytes)}`} data-testid="estimate-gzip">
              ~{formatBytes(v.totalGzipBytes)}
              {original !== null && <small>{formatChange(v.totalGzipBytes / original)}</small>}
            </dd>
          </div>
          <div>
            <dt>Zeros</dt>
            <dd>~{formatPercent(v.sparsity)}</dd>
          </div>
        </dl>
      ) : (
        <p className="muted">{estimate.status === 'error' ? estimate.error?.message : 'Working it out…'}</p>
      )}
      <p className="hint">Raw weight bytes are exact; gzip and model.json are estimated from samples. Apply measures them.</p>
    </div>
  );
}
