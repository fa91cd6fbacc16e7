/**
 * The Sensitivity panel: each layer pruned and quantized on its own, measured on the open data's first samples,
 * as curves and a table sorted by sensitivity. It tells which layers to spare before touching the sliders.
 */
import { useMemo, useState } from 'react';
import { STUDIO_CALIBRATION_SAMPLES } from '../../src/studio/controls';
import { formatCount, formatPercent } from '../../src/text/wording';
import type { SensitivityRow } from '../../src/worker/api';
import { SensitivityChart } from '../charts/SensitivityChart';
import { costOf } from '../charts/sensitivity-lines';
import { measureSensitivity } from '../state/actions';
import { useStudio } from '../state/use-studio';
import { JobError, JobStatus } from './JobStatus';

type Order = 'sensitivity' | 'model';

function settingTitle(s: SensitivityRow['points'][number]['setting']): string {
  return s.kind === 'prune' ? `${Math.round(s.sparsity * 100)}%` : s.bits === 8 ? 'uint8' : `${s.bits}-bit`;
}

export function SensitivityPanel() {
  const result = useStudio((s) => s.sensitivity);
  const data = useStudio((s) => s.data);
  const busy = useStudio((s) => s.job !== null);
  const samples = useStudio((s) => s.controls.calibrationSamples ?? STUDIO_CALIBRATION_SAMPLES);
  const [order, setOrder] = useState<Order>('sensitivity');
  const rows = useMemo(() => {
    const all = result?.rows ?? [];
    return order === 'sensitivity' ? [...all].sort((a, b) => b.score - a.score) : all;
  }, [result, order]);
  const original = result?.original ?? null;
  const settings = rows[0]?.points.map((p) => p.setting) ?? [];

  return (
    <section className="panel sensitivity" aria-labelledby="sensitivity-title">
      <div className="panel-head">
        <h2 id="sensitivity-title" className="panel-title">
          Sensitivity
        </h2>
        <span className="panel-subject">each layer alone, pruned by magnitude and quantized</span>
        <button type="button" className="button small" aria-disabled={busy || !data} onClick={() => !busy && data && void measureSensitivity()}>
          Measure sensitivity
        </button>
      </div>
      <p className="hint">
        {data
          ? `Measured on the first ${formatCount(Math.min(samples, data.summary.size))} samples of the open data (the ones the calibrated methods read).`
          : 'Open data to measure how much each layer alone loses when it is pruned or quantized.'}
      </p>
      <JobStatus kinds={['sensitivity']} />
      <JobError kinds={['sensitivity']} fallback="Sensitivity failed" />
      {result && rows.length > 0 && (
        <>
          <SensitivityChart rows={result.rows} original={original} />
          <div className="table-tools">
            <label className="control-label secondary" htmlFor="sensitivity-order">
              Order
            </label>
            <select id="sensitivity-order" className="input small" value={order} onChange={(e) => setOrder(e.target.value as Order)}>
              <option value="sensitivity">Most sensitive first</option>
              <option value="model">Model order</option>
            </select>
            {!result.complete && <span className="badge warn">{busy ? 'measuring…' : 'cancelled: the rows measured so far'}</span>}
          </div>
          <table className="table sensitivity-table" aria-label="Sensitivity of each layer">
            <thead>
              <tr>
                <th scope="col">Tensor</th>
                <th scope="col" className="num">
                  Params
                </th>
                {settings.map((s) => (
                  <th key={settingTitle(s)} scope="col" className="num">
                    {settingTitle(s)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.tensor} data-testid={`sensitivity-row-${row.tensor}`}>
                  <td className="mono">{row.tensor}</td>
                  <td className="num">{formatCount(row.params)}</td>
                  {row.points.map((p) => (
                    <td key={settingTitle(p.setting)} className="num" title={`${row.tensor} at ${settingTitle(p.setting)}: agreement ${formatPercent(p.agreement)}, cosine ${p.cosine.toFixed(4)}`}>
                      {original !== null ? (costOf(p, original) ?? 0).toFixed(2) : p.cosine.toFixed(4)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted small-print">
            {original !== null ? `Accuracy points lost against the original's ${formatPercent(original)}` : 'Cosine of the outputs to the original'}, each
            tensor alone{result.data ? `, on ${result.data.replace(/^sensitivity: /, '').replace(/\.$/, '')}` : ''}.
          </p>
        </>
      )}
    </section>
  );
}
