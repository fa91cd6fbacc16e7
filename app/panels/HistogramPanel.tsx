/**
 * A layer's weights before and after the selected variant: the histogram, its zeros, and how many distinct values
 * remain (quantization levels). The worker bins the values; only the counts travel.
 */
import { useDeferredValue, useEffect, useMemo, useState } from 'react';
import type { StudioError, TensorHistogram } from '../../src/worker/api';
import { WeightHistogram } from '../charts/WeightHistogram';
import { loadHistogram, showHistogramOf } from '../state/actions';
import { selectedEntry } from '../state/selectors';
import { useStudio } from '../state/use-studio';
import { toStudioError } from '../studio-error';
import { formatCount, formatPercent } from '../../src/text/wording';
import { ErrorAlert } from './ErrorAlert';
import { withoutSharedScope } from './layer-labels';
import { layerRows } from './LayerTable';

export function HistogramPanel() {
  const model = useStudio((s) => s.model);
  const chosen = useStudio((s) => s.histogramTensor);
  const selected = useStudio(selectedEntry);
  const rows = useMemo(() => (model ? layerRows(model.inventory.weights) : []), [model]);
  const tensor = chosen ?? rows[0]?.weight.name ?? model?.inventory.weights[0]?.name ?? null;
  const [result, setResult] = useState<{ key: string; histogram: TensorHistogram } | null>(null);
  const [error, setError] = useState<StudioError | null>(null);
  const recipe = selected.recipe;
  const key = `${model?.id}|${tensor}|${selected.id}`;

  useEffect(() => {
    if (!model || !tensor) return;
    // A stale answer is dropped rather than aborted: the build it waits for may be shared with a running Apply.
    let live = true;
    setError(null);
    loadHistogram(selected.id, tensor).then(
      (histogram) => live && setResult({ key, histogram }),
      (e: unknown) => {
        const err = toStudioError(e);
        if (live && err.code !== 'cancelled') setError(err);
      },
    );
    return () => {
      live = false;
    };
  }, [model, tensor, selected.id, key]);

  const choices = useMemo(() => {
    const floats = (model?.inventory.weights ?? []).filter((w) => w.dtype === 'float32');
    const labels = withoutSharedScope(floats.map((w) => w.name));
    return floats.map((w, i) => ({ name: w.name, label: labels[i], prunable: w.prunable }));
  }, [model]);
  const shown = useDeferredValue(result);
  if (!model || !tensor) return null;
  const h = shown?.histogram;
  const afterLabel = recipe ? selected.name : null;
  return (
    <section className="panel histogram-panel" aria-labelledby="histogram-title">
      <div className="panel-head">
        <h2 id="histogram-title" className="panel-title">
          Weights
        </h2>
        <label className="inline-control tensor-picker">
          <span>Tensor</span>
          {/* Shrinks with the panel: graph models' names run to 160 characters. */}
          <select className="input small" value={tensor} title={tensor} onChange={(e) => showHistogramOf(e.target.value)}>
            {choices.map((c) => (
              <option key={c.name} value={c.name}>
                {c.label}
                {c.prunable ? '' : ' (not prunable)'}
              </option>
            ))}
          </select>
        </label>
      </div>
      {error && <ErrorAlert error={error} fallback="No histogram" />}
      {h ? (
        <div aria-busy={shown?.key !== key}>
          <p className="small-print">
            <span className="legend-mark before" aria-hidden="true" /> original
            {h.after && (
              <>
                <span className="legend-mark after" aria-hidden="true" /> {afterLabel} ({h.storedAfter})
              </>
            )}
            <span className="muted">
              {' '}
              · {formatCount(h.count)} values · zeros {formatPercent(h.zerosBefore / h.count)}
              {h.zerosAfter !== null && ` → ${formatPercent(h.zerosAfter / h.count)}`}
              {h.distinctAfter !== null && h.distinctAfter <= 4096 && ` · ${formatCount(h.distinctAfter)} distinct values after`}
            </span>
          </p>
          <WeightHistogram histogram={h} afterLabel={afterLabel} />
          {!recipe && <p className="hint">Select a variant to see its weights beside the original's.</p>}
        </div>
      ) : (
        !error && (
          <p className="status" role="status">
            <span className="spinner" aria-hidden="true" /> Binning {tensor}…
          </p>
        )
      )}
    </section>
  );
}
