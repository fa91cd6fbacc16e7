/**
 * The layer table: each prunable tensor with its share of the model's size, its own sparsity slider and
 * quantization select (named after its layer), a reset, and what the selected variant achieved.
 */
import { useMemo } from 'react';
import type { WeightInfo } from '../../src/model/types';
import { resetLayer, setLayerPrecision, setLayerSparsity, showHistogramOf } from '../state/actions';
import { selectedEntry } from '../state/selectors';
import { useStudio } from '../state/use-studio';
import { formatBytes, formatCount, formatPercent, formatShape, formatWholePercent } from '../../src/text/wording';
import { layerLabels } from './layer-labels';
import { precisionFromValue, precisionOptions, precisionValue } from './precision-options';

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
  const rows = useMemo(() => (inventory ? layerRows(inventory.weights) : []), [inventory]);
  if (!inventory) return null;
  if (rows.length === 0) {
    return <p className="note">This model has no prunable tensors (kernels or weight matrices); only quantization applies.</p>;
  }
  const total = inventory.weightBytes;
  const achieved = selected.built?.tensors;

  return (
    <div className="layers">
      <h3 className="subheading" id="layers-title">
        Layers <span className="muted">{formatCount(rows.length)} prunable tensors; a layer's own setting overrides the global one</span>
      </h3>
      <div className="table-scroll">
        <table className="table layer-table" aria-labelledby="layers-title">
          <thead>
            <tr>
              <th scope="col">Layer</th>
              <th scope="col">Shape</th>
              <th scope="col" className="num">
                Params
              </th>
              <th scope="col" className="num">
                Share
              </th>
              <th scope="col">Sparsity</th>
              <th scope="col">Quantization</th>
              <th scope="col" className="num" title={`In the selected variant: ${selected.name}`}>
                {selected.recipe ? selected.name : 'Selected'}
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
              return (
                <tr key={w.name} data-overridden={overridden || undefined}>
                  <td className="layer-name" title={w.name}>
                    <span className="mono">{label}</span>
                    <small className="muted">{w.ownerType}</small>
                  </td>
                  <td className="mono nowrap">{formatShape(w.shape)}</td>
                  <td className="num">{formatCount(w.params)}</td>
                  <td className="num" title={formatBytes(w.bytes)}>
                    <span className="share">
                      <span className="share-bar" style={{ width: `${Math.max(2, (w.bytes / total) * 100)}%` }} />
                    </span>
                    {formatPercent(w.bytes / total)}
                  </td>
                  <td>
                    <div className="slider-row compact">
                      <input
                        type="range"
                        min={0}
                        max={99}
                        step={1}
                        value={Math.round(sparsity * 100)}
                        aria-label={`${label} sparsity`}
                        data-own={own.sparsity !== undefined || undefined}
                        onChange={(e) => setLayerSparsity(w.name, Number(e.target.value) / 100)}
                      />
                      <output className="slider-value small">
                        {formatWholePercent(sparsity)}
                        {own.sparsity === undefined && <span className="muted"> global</span>}
                      </output>
                    </div>
                  </td>
                  <td>
                    <select
                      className="input small"
                      aria-label={`${label} quantization`}
                      value={own.precision === undefined ? 'global' : precisionValue(own.precision)}
                      onChange={(e) => setLayerPrecision(w.name, e.target.value === 'global' ? undefined : precisionFromValue(e.target.value))}
                    >
                      <option value="global">Global</option>
                      {precisionOptions.map((o) => (
                        <option key={o.value} value={o.value}>
                          {o.label}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td className="num nowrap">
                    {done ? (
                      <>
                        {formatPercent(done.sparsity)} <small className="muted">{done.stored}</small>
                      </>
                    ) : (
                      <span className="muted">—</span>
                    )}
                  </td>
                  <td className="nowrap actions">
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
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </div>
  );
}
