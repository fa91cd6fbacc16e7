/**
 * The Compress panel: global sparsity and quantization, the live size estimate, Apply (with its progress and
 * Cancel), and the layer table where each prunable tensor can have its own sparsity and precision.
 */
import type { ClipMethod } from '../../src/recipe/schema';
import type { PruneScope } from '../../src/studio/controls';
import {
  applyCurrent,
  resetControls,
  setClip,
  setGlobalSparsity,
  setPrecision,
  setPruneScope,
} from '../state/actions';
import { useStudio } from '../state/use-studio';
import { formatBytes, formatCount } from '../../src/text/wording';
import { EstimateReadout } from './EstimateReadout';
import { JobError, JobStatus } from './JobStatus';
import { LayerTable } from './LayerTable';
import { MethodChoice } from './MethodChoice';
import { FindRecipe } from './FindRecipe';
import { PrecisionSelect } from './PrecisionSelect';
import { SparsitySlider } from './SparsitySlider';
import { VariantWarnings } from './VariantWarnings';

const clipOptions: { value: ClipMethod; label: string }[] = [
  { value: 'minmax', label: 'min/max (as the converter)' },
  { value: 'percentile', label: 'percentile clipping' },
  { value: 'mse', label: 'MSE-optimal clipping' },
];

const scopeOptions: { value: PruneScope; label: string; hint: string }[] = [
  { value: 'global', label: 'One threshold over all layers', hint: 'The smallest weights of the whole model go first; a small layer can lose all of its weights.' },
  { value: 'each', label: 'Same sparsity in every layer', hint: 'Each layer loses the same share of its own smallest weights.' },
];

/** How the global sparsity spreads over the layers without their own setting. */
function PruneScopeChoice({ scope }: { scope: PruneScope }) {
  const chosen = scopeOptions.find((o) => o.value === scope) ?? scopeOptions[0];
  return (
    <fieldset className="scope-choice">
      <legend className="visually-hidden">How the global sparsity spreads over the layers</legend>
      {scopeOptions.map((o) => (
        <label key={o.value} className="radio-option">
          <input type="radio" name="prune-scope" value={o.value} checked={scope === o.value} onChange={() => setPruneScope(o.value)} />
          {o.label}
        </label>
      ))}
      <p className="hint">{chosen.hint} Layers with their own setting keep it.</p>
    </fieldset>
  );
}

export function CompressPanel() {
  const model = useStudio((s) => s.model);
  const controls = useStudio((s) => s.controls);
  const loaded = useStudio((s) => s.loadedRecipe);
  const busy = useStudio((s) => s.job !== null);
  if (!model) return null;
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
          <SparsitySlider id="global-sparsity" value={controls.globalSparsity} onChange={setGlobalSparsity} outputTestId="global-sparsity-value" />
          <PruneScopeChoice scope={controls.pruneScope ?? 'global'} />
        </div>

        <div className="control">
          <label htmlFor="quantization" className="control-label">
            Quantization
          </label>
          <PrecisionSelect id="quantization" value={controls.precision} onChange={(p) => p !== undefined && setPrecision(p)} />
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

        <MethodChoice />

        <EstimateReadout />
      </div>

      <div className="apply-row">
        {/* aria-disabled, not disabled: a disabled button drops the focus to <body> the moment the job starts. */}
        <button
          type="button"
          className="button primary large"
          aria-disabled={busy}
          onClick={() => !busy && void applyCurrent()}
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
      <FindRecipe />
      <JobStatus kinds={['apply', 'search']} />
      <JobError kinds={['apply', 'search']} fallback="Apply failed" />
      <VariantWarnings />

      <p className="honest small-print">
        Quantization shrinks the file, not TF.js latency: weights are turned back into float32 when the model loads.
        Unstructured sparsity shrinks the compressed (gzip) file, not dense latency.
      </p>

      <LayerTable />
    </section>
  );
}
