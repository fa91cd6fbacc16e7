/**
 * The Compress panel: global sparsity and quantization, the live size estimate, Apply (with its progress and
 * Cancel), and the layer table where each prunable tensor can have its own sparsity and precision.
 */
import type { ClipMethod } from '../../src/recipe/schema';
import {
  applyCurrent,
  resetControls,
  setClip,
  setGlobalSparsity,
  setPrecision,
} from '../state/actions';
import { useStudio } from '../state/use-studio';
import { formatBytes, formatCount, formatWholePercent } from '../../src/text/wording';
import { EstimateReadout } from './EstimateReadout';
import { JobError, JobStatus } from './JobStatus';
import { LayerTable } from './LayerTable';
import { precisionFromValue, precisionOptions, precisionValue } from './precision-options';

const clipOptions: { value: ClipMethod; label: string }[] = [
  { value: 'minmax', label: 'min/max (as the converter)' },
  { value: 'percentile', label: 'percentile clipping' },
  { value: 'mse', label: 'MSE-optimal clipping' },
];

export function CompressPanel() {
  const model = useStudio((s) => s.model);
  const controls = useStudio((s) => s.controls);
  const loaded = useStudio((s) => s.loadedRecipe);
  const busy = useStudio((s) => s.job !== null);
  if (!model) return null;
  const pct = Math.round(controls.globalSparsity * 100);
  const affine = typeof controls.precision === 'object' || controls.precision === 'uint8' || controls.precision === 'uint16' || controls.precision === 'keep';

  return (
    <section className="panel compress" aria-labelledby="compress-title">
      <div className="panel-head">
        <h2 id="compress-title" className="panel-title">
          Compress
        </h2>
        <span className="panel-subject" title={model.source.label}>
          {model.source.label} · {formatCount(model.inventory.params)} params · {formatBytes(model.inventory.weightBytes + model.inventory.modelJsonBytes)}
        </span>
        <button type="button" className="button ghost small" onClick={resetControls}>
          Reset all
        </button>
      </div>

      <div className="compress-grid">
        <div className="control">
          <label htmlFor="global-sparsity" className="control-label">
            Global sparsity
          </label>
          <div className="slider-row">
            <input
              id="global-sparsity"
              type="range"
              min={0}
              max={99}
              step={1}
              value={pct}
              onChange={(e) => setGlobalSparsity(Number(e.target.value) / 100)}
              aria-valuetext={`${pct}% of prunable weights set to zero`}
            />
            <output htmlFor="global-sparsity" className="slider-value" data-testid="global-sparsity-value">
              {formatWholePercent(controls.globalSparsity)}
            </output>
          </div>
          <p className="hint">The smallest weights of every kernel without its own setting, by one shared threshold.</p>
        </div>

        <div className="control">
          <label htmlFor="quantization" className="control-label">
            Quantization
          </label>
          <select
            id="quantization"
            className="input"
            value={precisionValue(controls.precision)}
            onChange={(e) => setPrecision(precisionFromValue(e.target.value))}
          >
            {precisionOptions.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
          <label htmlFor="quant-range" className="control-label secondary">
            Range
          </label>
          <select
            id="quant-range"
            className="input small"
            value={controls.clip}
            disabled={!affine}
            onChange={(e) => setClip(e.target.value as ClipMethod)}
          >
            {clipOptions.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </div>

        <EstimateReadout />

      </div>

      <div className="apply-row">
        <button
          type="button"
          className="button primary large"
          disabled={busy}
          onClick={() => void applyCurrent()}
          aria-describedby="apply-hint"
        >
          Apply
        </button>
        <p id="apply-hint" className="hint">
          Builds the variant in the worker and measures its accuracy, size and latency.
        </p>
      </div>

      {loaded && (
        <p className="note">
          Using the loaded recipe <code>{loaded.name}</code> as written: it has rules the sliders cannot show (patterns, skips).
          Moving a control switches back to the sliders.
        </p>
      )}
      <JobStatus kinds={['apply']} />
      <JobError kinds={['apply']} fallback="Apply failed" />

      <p className="honest small-print">
        Quantization shrinks the file, not TF.js latency: weights are turned back into float32 when the model loads.
        Unstructured sparsity shrinks the compressed (gzip) file, not dense latency.
      </p>

      <LayerTable />
    </section>
  );
}
