/**
 * The Export panel: write the selected variant as a zip (model.json, shards, recipe.json), download any file of
 * it alone, and save or load a recipe.
 */
import type { ChangeEvent } from 'react';
import { dismissRecipeError, downloadExportFile, downloadExportZip, loadRecipeFile, saveRecipe } from '../state/actions';
import { exportChosen } from '../state/fused-export-actions';
import { FusedExportOption } from './FusedExportOption';
import { selectedEntry } from '../state/selectors';
import { useStudio } from '../state/use-studio';
import { ORIGINAL } from '../state/variants-slice';
import { formatBytes, formatExactBytes } from '../../src/text/wording';
import { ErrorAlert } from './ErrorAlert';
import { JobError, JobStatus } from './JobStatus';

export function ExportPanel() {
  const model = useStudio((s) => s.model);
  const selected = useStudio(selectedEntry);
  const busy = useStudio((s) => s.job !== null);
  const last = useStudio((s) => s.lastExport);
  const recipeError = useStudio((s) => s.recipeError);
  const fused = useStudio((s) => s.exportFused);
  if (!model) return null;
  const isOriginal = selected.id === ORIGINAL;

  function onLoad(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (file) void loadRecipeFile(file);
  }

  return (
    <section className="panel export" aria-labelledby="export-title">
      <div className="panel-head">
        <h2 id="export-title" className="panel-title">
          Export
        </h2>
      </div>
      <div className="export-row">
        <div className="export-what">
          <strong>{selected.name}</strong>
          <span className="muted">{selected.summary}</span>
          {isOriginal && !fused && <span className="hint">Select a variant (in the table or a chart) to export it, or export the original fused.</span>}
        </div>
        <button
          type="button"
          className="button primary"
          // The original exports only as its fused sibling (a new variant); as itself it is the file you opened.
          disabled={(isOriginal && !fused) || busy}
          onClick={() => void exportChosen()}
        >
          Export
        </button>
        <button type="button" className="button" onClick={saveRecipe}>
          Save recipe
        </button>
        <input id="load-recipe-input" className="visually-hidden" type="file" accept=".json,application/json" aria-label="Load recipe" onChange={onLoad} />
        <label htmlFor="load-recipe-input" className="button">
          Load recipe
        </label>
      </div>
      <FusedExportOption />
      {recipeError && <ErrorAlert error={recipeError} onDismiss={dismissRecipeError} fallback="Could not load the recipe" />}
      <JobStatus kinds={['export']} />
      <JobError kinds={['export']} fallback="Export failed" />
      <p className="small-print muted">
        The export loads with stock <code>tf.loadLayersModel</code> / <code>tf.loadGraphModel</code>; its model.json records the
        recipe in <code>userDefinedMetadata.pare</code>.
      </p>
      {last && last.variantId === selected.id && (
        <div className="export-files">
          <h3 className="subheading">
            {last.zipName}{' '}
            <button type="button" className="button ghost small" onClick={downloadExportZip}>
              Download zip again
            </button>
          </h3>
          <ul aria-label="Exported files">
            {last.files.map((f) => (
              <li key={f.name}>
                <code>{f.name}</code>
                <span className="muted" title={formatExactBytes(f.data.byteLength)}>
                  {formatBytes(f.data.byteLength)}
                </span>
                <button type="button" className="button ghost small" onClick={() => downloadExportFile(f.name)} aria-label={`Download ${f.name}`}>
                  Download
                </button>
              </li>
            ))}
          </ul>
          <p className="small-print muted">
            Weights {formatBytes(last.sizes.weightBytes)}, {formatBytes(last.sizes.weightGzipBytes)} when a server gzips them.
          </p>
        </div>
      )}
    </section>
  );
}
