/**
 * What building the selected variant warned about, beside Apply where it was asked for: above all a tensor that
 * pruning emptied (every weight zero, so its layer outputs only its bias), named so the user can find its row in
 * the layer table and give it its own sparsity, or switch to the same sparsity in every layer.
 */
import { useMemo } from 'react';
import { setPruneScope } from '../state/actions';
import { selectedEntry } from '../state/selectors';
import { useStudio } from '../state/use-studio';
import { layerRows } from './LayerTable';

export function VariantWarnings() {
  const selected = useStudio(selectedEntry);
  const weights = useStudio((s) => s.model?.inventory.weights);
  // The layer table's row name for each tensor, so the warning can be found there.
  const labels = useMemo(() => new Map(layerRows(weights ?? []).map((r) => [r.weight.name, r.label])), [weights]);
  const scope = useStudio((s) => s.controls.pruneScope ?? 'global');
  const warnings = selected.built?.warnings ?? [];
  if (warnings.length === 0) return null;
  const emptied = warnings.filter((w) => w.code === 'emptied-tensor');
  const others = warnings.filter((w) => w.code !== 'emptied-tensor');
  return (
    <div className="variant-warnings" role="status" aria-label={`Warnings for ${selected.name}`}>
      {emptied.length > 0 && (
        <div className="warning-box">
          <p className="warning-title">
            {selected.name}: pruning emptied {emptied.length === 1 ? 'a tensor' : `${emptied.length} tensors`}
          </p>
          <ul className="warning-list">
            {emptied.map((w) => (
              <li key={w.weight ?? w.message} title={w.message}>
                {w.weight && labels.has(w.weight) && <strong className="mono">{labels.get(w.weight)}</strong>}{' '}
                <code className="tensor-name">{w.weight}</code>
                <span className="muted"> — all its weights are zero; its layer outputs only its bias.</span>
              </li>
            ))}
          </ul>
          <p className="small-print">
            One threshold over all layers cuts small layers hardest. Give these tensors their own sparsity below
            {scope === 'global' && (
              <>
                , or{' '}
                <button type="button" className="button link" onClick={() => setPruneScope('each')}>
                  use the same sparsity in every layer
                </button>
              </>
            )}
            .
          </p>
        </div>
      )}
      {others.map((w, i) => (
        <p key={i} className="note">
          {w.weight && <code className="tensor-name">{w.weight}</code>} {w.message}
        </p>
      ))}
    </div>
  );
}
