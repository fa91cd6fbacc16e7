/**
 * The Export panel's "Fused graph model" option, and what it will do for the selected variant: export it as it is
 * (it already fuses), or add its fused sibling as a new variant and export that.
 */
import { fusedExportOf } from '../../src/studio/fused-export';
import { fusedName, setExportFused } from '../state/fused-export-actions';
import { selectedEntry } from '../state/selectors';
import { useStudio } from '../state/use-studio';
import './fused-export.css';

export function FusedExportOption() {
  const on = useStudio((s) => s.exportFused);
  const selected = useStudio(selectedEntry);
  const already = fusedExportOf(selected.recipe).kind === 'already';
  return (
    <div className="fused-export">
      <label className="check-option">
        <input type="checkbox" checked={on || already} disabled={already} onChange={(e) => setExportFused(e.target.checked)} />
        Fused graph model
      </label>
      <p className="hint" id="fused-export-hint">
        {already
          ? 'This variant already folds its batch norms and fuses its activations: it exports as a graph model.'
          : on
            ? `Fusing changes the model, so Export adds a new variant, '${fusedName(selected)}' (this recipe plus a fuse step), and exports that as a graph model.`
            : 'Folds batch norms into the kernels and fuses activations into the convolutions: usually much faster in TF.js.'}{' '}
        A graph model loads with <code>tf.loadGraphModel</code>, not <code>tf.loadLayersModel</code>, and cannot be trained further.
      </p>
    </div>
  );
}
