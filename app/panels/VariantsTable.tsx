/**
 * Every variant with its recipe and what was measured, deltas against the original, and rename, delete and
 * select. The radio button in each row selects the variant (what Export writes and the histogram shows).
 */
import { useEffect, useRef, useState } from 'react';
import { deltasAgainst, type MeasuredFigures } from '../../src/studio/deltas';
import type { LatencySummary, QualityResult } from '../../src/worker/api';
import { deleteVariant, renameVariant, selectVariant } from '../state/actions';
import { currentDataKey, isMeasuredNow, originalOf } from '../state/selectors';
import { useStudio } from '../state/use-studio';
import { ORIGINAL, type VariantEntry } from '../state/variants-slice';
import {
  formatBytes,
  formatChange,
  formatCosine,
  formatExactBytes,
  formatMs,
  formatPercent,
  formatPoints,
  formatRelativeError,
} from '../../src/text/wording';

/**
 * Accuracy, or without labels how close the variant stays to the original: cosine of the outputs first (it reads
 * every output), then the relative error and top-1 agreement, which alone reads 100% for any one-output model.
 */
function QualityFigures({ quality: q }: { quality: QualityResult }) {
  if (q.kind === 'accuracy') {
    return <span title={`Top-1 accuracy on ${q.data}`}>{formatPercent(q.value)}</span>;
  }
  const weak = q.weakProxy ? ' (weak: generated inputs)' : '';
  return (
    <span className="fidelity-figures" title={`Against the original on ${q.data}${weak}`}>
      <span data-testid="cosine">cosine {q.cosine === null ? '—' : formatCosine(q.cosine)}</span>
      <small className="muted">
        <span data-testid="relative-error">{q.relativeError === null ? '—' : formatRelativeError(q.relativeError)} rel. error</span> ·{' '}
        {formatPercent(q.value)} agree{q.weakProxy ? ' (weak)' : ''}
      </small>
    </span>
  );
}

function figures(v: VariantEntry): MeasuredFigures | null {
  const m = v.measurement;
  if (!m) return null;
  return {
    totalBytes: m.sizes.totalBytes,
    weightGzipBytes: m.sizes.weightGzipBytes,
    quality: m.quality?.value ?? null,
    latencyMs: m.latency?.medianMs ?? null,
  };
}

/** Whether two latency measurements' p10–p90 ranges overlap: their medians then differ by no more than noise. */
function withinNoise(a: LatencySummary | null | undefined, b: LatencySummary | null | undefined): boolean {
  return !!a && !!b && a.p10Ms <= b.p90Ms && b.p10Ms <= a.p90Ms;
}

export function VariantsTable() {
  const variants = useStudio((s) => s.variants);
  const selectedId = useStudio((s) => s.selectedId);
  const dataKey = useStudio(currentDataKey);
  const original = useStudio(originalOf);
  const [editing, setEditing] = useState<string | null>(null);
  // The name field unmounts when editing ends; a rename finished by keyboard puts the focus back on its Rename
  // button instead of letting it fall to <body>. Ending by clicking elsewhere leaves the focus where it went.
  const refocus = useRef<string | null>(null);
  const renameButtons = useRef(new Map<string, HTMLButtonElement>());
  useEffect(() => {
    if (editing !== null || refocus.current === null) return;
    renameButtons.current.get(refocus.current)?.focus();
    refocus.current = null;
  }, [editing]);
  const base = original.measuredOn === dataKey ? figures(original) : null;

  return (
    <div className="table-scroll variants">
      <table className="table variants-table" aria-label="Variants">
        <thead>
          <tr>
            <th scope="col">Variant</th>
            <th scope="col">Recipe</th>
            <th scope="col" className="num">
              Size
            </th>
            <th scope="col" className="num">
              Weights gzip
            </th>
            <th scope="col" className="num">
              Quality
            </th>
            <th scope="col" className="num">
              Latency
            </th>
            <th scope="col" className="num">
              Zeros
            </th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {variants.map((v) => {
            const m = v.measurement;
            const f = figures(v);
            const d = f && base && v.id !== ORIGINAL && v.measuredOn === dataKey ? deltasAgainst(f, base) : null;
            const stale = m !== null && !isMeasuredNow(v, dataKey);
            return (
              <tr key={v.id} aria-selected={v.id === selectedId} data-testid={`variant-row-${v.id}`} className={stale ? 'stale' : undefined}>
                <td>
                  <div className="variant-name">
                  <label className="select-variant">
                    <input type="radio" name="selected-variant" checked={v.id === selectedId} onChange={() => selectVariant(v.id)} aria-label={`Select ${v.name}`} />
                    {editing === v.id ? (
                      <input
                        className="input small"
                        defaultValue={v.name}
                        aria-label={`New name for ${v.name}`}
                        autoFocus
                        onBlur={(e) => {
                          renameVariant(v.id, e.target.value);
                          setEditing(null);
                        }}
                        onKeyDown={(e) => {
                          if (e.key === 'Enter') {
                            // Else the Enter's keypress lands on the refocused Rename button and opens the field again.
                            e.preventDefault();
                            refocus.current = v.id;
                            (e.target as HTMLInputElement).blur();
                          }
                          if (e.key === 'Escape') {
                            refocus.current = v.id;
                            setEditing(null);
                          }
                        }}
                      />
                    ) : (
                      <span className="name">{v.name}</span>
                    )}
                  </label>
                  {v.id === ORIGINAL && <span className="badge">original</span>}
                  </div>
                </td>
                <td className="muted">{v.summary}</td>
                <td className="num" title={m ? formatExactBytes(m.sizes.totalBytes) : undefined}>
                  {m ? formatBytes(m.sizes.totalBytes) : '—'}
                  {d?.totalRatio != null && <small className="delta">{formatChange(d.totalRatio)}</small>}
                </td>
                <td className="num" title={m ? formatExactBytes(m.sizes.weightGzipBytes) : undefined}>
                  {m ? formatBytes(m.sizes.weightGzipBytes) : '—'}
                  {d?.gzipRatio != null && <small className="delta">{formatChange(d.gzipRatio)}</small>}
                </td>
                <td className="num" data-testid="quality" data-value={m?.quality?.value}>
                  {m?.quality ? <QualityFigures quality={m.quality} /> : v.id === ORIGINAL && m ? (
                    <span className="muted" title="Without labelled data the original is the reference">reference</span>
                  ) : (
                    '—'
                  )}
                  {d?.qualityPoints != null && <small className="delta">{formatPoints(d.qualityPoints)}</small>}
                </td>
                <td className="num" data-testid="latency">
                  {m?.latency ? (
                    <span title={`p10 ${formatMs(m.latency.p10Ms)}, p90 ${formatMs(m.latency.p90Ms)}, first run ${formatMs(m.latency.coldMs)}, ${m.latency.runs} runs on ${m.latency.backend}`}>
                      {formatMs(m.latency.medianMs)}
                    </span>
                  ) : (
                    '—'
                  )}
                  {d?.latencyRatio != null && (
                    <small className="delta" title="Change of the median; ≈ when the p10–p90 ranges overlap (within run-to-run noise)">
                      {withinNoise(m?.latency, original.measurement?.latency) ? '≈ same' : formatChange(d.latencyRatio)}
                    </small>
                  )}
                </td>
                <td className="num">{m ? formatPercent(m.sparsity) : v.built ? formatPercent(v.built.sparsity) : '—'}</td>
                <td className="actions">
                  <div className="row-actions">
                    {v.id !== ORIGINAL && (
                      <>
                        <button
                          type="button"
                          className="button ghost small"
                          ref={(el) => {
                            if (el) renameButtons.current.set(v.id, el);
                            else renameButtons.current.delete(v.id);
                          }}
                          onClick={() => setEditing(v.id)}
                          aria-label={`Rename ${v.name}`}
                        >
                          Rename
                        </button>
                        <button type="button" className="button ghost small danger" onClick={() => deleteVariant(v.id)} aria-label={`Delete ${v.name}`}>
                          Delete
                        </button>
                      </>
                    )}
                    {stale && <span className="badge warn" title="Measured on other data">stale</span>}
                    {!m && <span className="badge">not measured</span>}
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
