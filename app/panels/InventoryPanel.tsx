/** What is inside the open model: format, totals, inputs and outputs, labels, warnings, and every weight. */
import { useStudio } from '../state/use-studio';
import { formatBytes, formatCount, formatExactBytes, formatPercent } from '../../src/text/wording';
import { TensorTable } from './TensorTable';
import { WeightTable } from './WeightTable';

export function InventoryPanel() {
  const model = useStudio((s) => s.model);

  if (model === null) {
    return (
      <section className="panel empty-state" aria-labelledby="inventory-title">
        <h2 id="inventory-title" className="panel-title">
          Inventory
        </h2>
        <div className="empty-state-body">
          <p className="empty-state-lead">No model open yet.</p>
          <p className="muted">
            Drop a TensorFlow.js model (layers or graph format) on the Model panel, or open a sample. Pare lists its
            inputs and outputs, counts its parameters and shows every weight tensor: its shape, how it is stored and
            whether pruning may touch it. The files are read in your browser and never uploaded.
          </p>
        </div>
      </section>
    );
  }

  const inv = model.inventory;
  const prunable = inv.weights.filter((w) => w.prunable);
  const prunableParams = prunable.reduce((sum, w) => sum + w.params, 0);

  return (
    <section className="panel inventory" aria-labelledby="inventory-title">
      <div className="inventory-head">
        <h2 id="inventory-title" className="panel-title">
          {model.source.label}
        </h2>
        <span className="badge">{inv.format}</span>
        <span className="muted">read by {inv.reader}</span>
      </div>

      <dl className="stats">
        <div className="stat">
          <dt>Parameters</dt>
          <dd data-testid="param-count">{formatCount(inv.params)}</dd>
        </div>
        <div className="stat">
          <dt>Weight bytes</dt>
          <dd title={formatExactBytes(inv.weightBytes)} data-testid="weight-bytes">
            {formatBytes(inv.weightBytes)}
          </dd>
        </div>
        <div className="stat">
          <dt>Weight tensors</dt>
          <dd>
            {formatCount(inv.weights.length)}
            <small>{formatCount(prunable.length)} prunable</small>
          </dd>
        </div>
        <div className="stat">
          <dt>Prunable</dt>
          <dd>
            {inv.params > 0 ? formatPercent(prunableParams / inv.params) : '—'}
            <small>{formatCount(prunableParams)} params</small>
          </dd>
        </div>
        <div className="stat">
          <dt title={inv.modelJsonName}>Model JSON</dt>
          <dd title={formatExactBytes(inv.modelJsonBytes)}>{formatBytes(inv.modelJsonBytes)}</dd>
        </div>
      </dl>

      {inv.warnings.length > 0 && (
        <div className="warnings" aria-label="Warnings">
          <h3 className="subheading">Warnings</h3>
          <ul>
            {inv.warnings.map((w, i) => (
              <li key={i} className="warning">
                {w.message}
                {w.file && <code className="where">{w.file}</code>}
                {w.weight && <code className="where">{w.weight}</code>}
              </li>
            ))}
          </ul>
        </div>
      )}

      <div className="io-grid">
        <TensorTable title="Inputs" tensors={inv.inputs} />
        <TensorTable title="Outputs" tensors={inv.outputs} />
      </div>

      {inv.labels && inv.labels.length > 0 && (
        <div className="labels">
          <h3 className="subheading">Class labels ({formatCount(inv.labels.length)})</h3>
          <ul className="chips">
            {inv.labels.map((label, i) => (
              <li key={i} className="chip">
                {label}
              </li>
            ))}
          </ul>
        </div>
      )}

      <WeightTable weights={inv.weights} />
    </section>
  );
}
