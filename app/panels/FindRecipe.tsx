/**
 * "Smallest within my target": the target (an accuracy drop, an agreement or cosine with the original, or a
 * size), Find, and what the last search found. The answer lands in the controls above and is applied like any
 * recipe; the search calibrates on the same first samples as the calibrated methods.
 */
import type { SearchTarget } from '../../src/worker/api';
import { formatBytes, formatCount, formatPercent, formatPlural } from '../../src/text/wording';
import { findSmallest, setSearchTarget, targetText } from '../state/actions';
import { useStudio } from '../state/use-studio';

type Kind = SearchTarget['kind'];

const kinds: { value: Kind; label: string; unit: string; labelled?: boolean }[] = [
  { value: 'max-drop', label: 'Accuracy drop at most', unit: 'points', labelled: true },
  { value: 'min-agreement', label: 'Agreement with the original at least', unit: '%' },
  { value: 'min-cosine', label: 'Cosine with the original at least', unit: '' },
  { value: 'target-size', label: 'Size over the wire at most', unit: 'KiB' },
];

/** The number the input shows for a target, in its unit. */
function shownValue(t: SearchTarget): number {
  if (t.kind === 'max-drop') return t.points;
  if (t.kind === 'min-agreement') return Math.round(t.value * 1000) / 10;
  if (t.kind === 'min-cosine') return t.value;
  return Math.round(t.bytes / 1024);
}

function targetOf(kind: Kind, value: number): SearchTarget {
  if (kind === 'max-drop') return { kind, points: value };
  if (kind === 'min-agreement') return { kind, value: value / 100 };
  if (kind === 'min-cosine') return { kind, value };
  return { kind, bytes: Math.round(value * 1024) };
}

const defaults: Record<Kind, number> = { 'max-drop': 0.5, 'min-agreement': 99, 'min-cosine': 0.99, 'target-size': 100 };

export function FindRecipe() {
  const target = useStudio((s) => s.searchTarget);
  const found = useStudio((s) => s.found);
  const data = useStudio((s) => s.data);
  const busy = useStudio((s) => s.job !== null);
  const labelled = data?.summary.labelled ?? false;
  const unit = kinds.find((k) => k.value === target.kind)!.unit;
  const best = found?.result.best;

  return (
    <div className="find-recipe" role="group" aria-labelledby="find-title">
      <h3 id="find-title" className="control-label">
        Find the smallest recipe
      </h3>
      <div className="find-row">
        <select
          aria-label="Target"
          className="input small"
          value={target.kind}
          onChange={(e) => {
            const kind = e.target.value as Kind;
            setSearchTarget(targetOf(kind, defaults[kind]));
          }}
        >
          {kinds.map((k) => (
            <option key={k.value} value={k.value} disabled={k.labelled && data !== null && !labelled}>
              {k.label}
            </option>
          ))}
        </select>
        <input
          aria-label="Target value"
          className="input small find-value"
          type="number"
          min={0}
          step="any"
          value={shownValue(target)}
          onChange={(e) => Number.isFinite(e.target.valueAsNumber) && setSearchTarget(targetOf(target.kind, e.target.valueAsNumber))}
        />
        {unit && <span className="muted">{unit}</span>}
        <button type="button" className="button small" aria-disabled={busy || !data} onClick={() => !busy && data && void findSmallest()}>
          Find
        </button>
      </div>
      <p className="hint" data-testid="find-summary">
        {!data
          ? 'Open data to search: candidates calibrate on its first samples and are validated on the ones after them.'
          : found
            ? best
              ? `Found ${formatPercent(best.sparsity, 0)} sparsity + ${best.bits === 8 ? 'uint8' : `${best.bits}-bit`} (OBS + GPTQ): ${formatBytes(best.wireBytes)} over the wire against ${formatBytes(found.result.original.wireBytes)}${best.accuracy !== null && found.result.original.accuracy !== null ? `, accuracy ${formatPercent(best.accuracy)} against ${formatPercent(found.result.original.accuracy)}` : `, cosine ${best.cosine.toFixed(4)}`} on samples ${formatCount(found.result.validation.first)}–${formatCount(found.result.validation.last)}; ${formatPlural(found.result.tried.length, 'recipe')} tried in ${(found.result.durationMs / 1000).toFixed(0)} s.`
              : `No recipe of the ${formatPlural(found.result.tried.length, 'recipe')} tried is ${targetText(found.target)}.`
            : 'Tries error-compensating pruning and rounding at several sparsities and bit widths, and keeps the smallest that meets the target.'}
      </p>
    </div>
  );
}
