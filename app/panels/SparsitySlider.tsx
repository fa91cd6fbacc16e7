/**
 * A sparsity slider in whole percents (0 to 99: 100% would zero every weight) with its read-out, used by the
 * global control and by every row of the layer table, so both move, read and announce the same way.
 */
import { formatWholePercent } from '../../src/text/wording';

export interface SparsitySliderProps {
  /** The sparsity shown, in [0, 0.99]. */
  value: number;
  onChange: (fraction: number) => void;
  /** Its accessible name when no <label> points at it ('fc2 sparsity'). */
  label?: string;
  id?: string;
  /** A note after the read-out ('global' when a layer follows the global setting). */
  suffix?: string;
  compact?: boolean;
  /** Marks a layer's own setting, for styling. */
  own?: boolean;
  outputTestId?: string;
}

export function SparsitySlider({ value, onChange, label, id, suffix, compact, own, outputTestId }: SparsitySliderProps) {
  const pct = Math.round(value * 100);
  return (
    <div className={`slider-row${compact ? ' compact' : ''}`}>
      <input
        id={id}
        type="range"
        min={0}
        max={99}
        step={1}
        value={pct}
        aria-label={label}
        aria-valuetext={`${pct}% of weights set to zero${suffix ? ` (${suffix})` : ''}`}
        data-own={own || undefined}
        onChange={(e) => onChange(Number(e.target.value) / 100)}
      />
      <output htmlFor={id} className={`slider-value${compact ? ' small' : ''}`} data-testid={outputTestId}>
        {formatWholePercent(value)}
        {suffix && <span className="muted"> {suffix}</span>}
      </output>
    </div>
  );
}
