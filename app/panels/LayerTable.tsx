/**
 * The layer table: each prunable tensor with its share of the model's size, its own sparsity slider and
 * quantization select (named after its layer), a reset, and what the selected variant achieved.
 */
import { useMemo } from 'react';
import type { WeightInfo } from '../../src/model/types';
import { resetLayer, setLayerPrecision, setLayerSparsity, showHistogramOf } from '../state/actions';
import { selectedEntry } from '../state/selectors';
import { useStudio } from '../state/use-studio';
import { formatBytes, formatCount, formatPercent, formatShape } from '../../src/text/wording';
import { layerLabels } from './layer-labels';
import { PrecisionSelect } from './PrecisionSelect';
import { SparsitySlider } from './SparsitySlider';
import { emptiedTensors } from './emptied-tensors';

export interface LayerRow {
  weight: WeightInfo;
  /** What the controls call it: a short unique name for its layer (see layer-labels.ts). */
  label: string;
}

/** Prunable tensors with their labels. */
export function layerRows(weights: readonly WeightInfo[]): LayerRow[] {
  const prunable = weights.filter((w) => w.prunable);
  const labels = layerLabels(prunable);
  return prunable.map((weight, i) => ({ weight, label: labels[i] }));
}

export function LayerTable() {
  const inventory = useStudio((s) => s.model?.inventory);
  const controls = useStudio((s) => s.controls);
  const selected = useStudio(selectedEntry);
  const histogramTensor = useStudio((s) => s.histogramTensor);
  const scope = useStudio((s) => s.controls.pruneScope ?? 'global');
  const sensitivity = useStudio((s) => s.sensitivity);
  const rows = useMemo(() => (inventory ? layerRows(inventory.weights) : []), [inventory]);
  if (!inventory) return null;
  if (rows.length === 0) {
    return <p className="note">This model has no prunable tensors (kernels or weight matrices); only quantization applies.</p>;
  }
  const total = inventory.weightBytes;
  const achieved = selected.built?.tensors;
  const emptied = emptiedTensors(selected.built?.warnings);

  return (
    <div className="layers">
      <h3 className="subheading" id="layers-title">
        Layers <span className="muted">{formatCount(rows.length)} prunable tensors; a layer's own setting overrides the global one</span>
      </h3>
      {/* Fixed columns that fit the panel: the layer's facts share one cell, long names wrap, and narrow panels
          turn each row into a small card (styles.css), so nothing scrolls sideways. */}
      <table className="table layer-table" aria-labelledby="layers-title">
        <colgroup>
          <col className="col-layer" />
          <col className="col-share" />
          <col className="col-sparsity" />
          <col className="col-precision" />
          <col className="col-achieved" />
          <col className="col-actions" />
        </colgroup>
        <thead>
          <tr>
            <th scope="col">Layer</th>
            <th scope="col" className="num">
              Share
            </th>
            <th scope="col">Sparsity</th>
            <th scope="col">Quantization</th>
            <th scope="col" className="num" title={`What the selected variant achieved: ${selected.name}`}>
              {selected.recipe ? `In ${selected.name}` : 'In the selected variant'}
            </th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ weight: w, label }) => {
            const own = controls.layers[w.name] ?? {};
            const sparsity = own.sparsity ?? controls.globalSparsity;
            const overridden = own.sparsity !== undefined || own.precision !== undefined;
            const done = achieved?.[w.name];
            const isEmptied = emptied.has(w.name);
            const sensed = sensitivity?.rows.find((r) => r.tensor === w.name);
            return (
              <tr key={w.name} data-overridden={overridden || undefined} data-emptied={isEmptied || undefined}>
                <td className="layer-name" title={w.name}>
                  <span className="mono layer-label">{label}</span>
                  <small className="muted layer-facts">
                    {w.ownerType} · {formatShape(w.shape)} · {formatCount(w.params)} params
                  </small>
                  {sensed && (
                    <small className="layer-sensitivity" data-testid="layer-sensitivity">
                      {sensitivity!.original !== null ? `loses up to ${sensed.score.toFixed(1)} points alone` : `cosine down to ${(1 - sensed.score / 100).toFixed(3)} alone`}
                    </small>
                  )}
                </td>
                <td className="num" title={formatBytes(w.bytes)} data-label="Share">
                  <span className="share">
                    <span className="share-bar" style={{ width: `${Math.max(2, (w.bytes / total) * 100)}%` }} />
                  </span>
                  {formatPercent(w.bytes / total)}
                </td>
                <td data-label="Sparsity">
                  <SparsitySlider
                    compact
                    label={`${label} sparsity`}
                    value={sparsity}
                    own={own.sparsity !== undefined}
                    suffix={own.sparsity === undefined ? (scope === 'each' ? 'each' : 'global') : undefined}
                    onChange={(f) => setLayerSparsity(w.name, f)}
                  />
                </td>
                <td data-label="Quantization">
                  <PrecisionSelect
                    small
                    allowGlobal
                    label={`${label} quantization`}
                    value={own.precision}
                    onChange={(p) => setLayerPrecision(w.name, p)}
                  />
                </td>
                <td className="num achieved" data-label={selected.recipe ? `In ${selected.name}` : 'Achieved'} data-testid="achieved">
                  {done ? (
                    <>
                      <span className={isEmptied ? 'emptied' : undefined}>{formatPercent(done.sparsity)}</span>
                      {isEmptied && <span className="badge warn">emptied</span>}
                      <small className="muted"> {done.stored}</small>
                    </>
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
                <td>
                  <div className="actions">
                    <button
                      type="button"
                      className="button ghost small"
                      disabled={!overridden}
                      aria-label={`Reset ${label}`}
                      onClick={() => resetLayer(w.name)}
                    >
                      Reset
                    </button>
                    <button
                      type="button"
                      className="button ghost small"
                      aria-label={`Histogram of ${label}`}
                      aria-pressed={histogramTensor === w.name}
                      onClick={() => showHistogramOf(w.name)}
                    >
                      Histogram
                    </button>
                  </div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
