/**
 * The quantization select of the global control and of every row of the layer table: the same choices in the
 * same words (precision-options.ts), plus "Global" where a layer can follow the global choice.
 */
import type { Precision } from '../../src/recipe/schema';
import { precisionFromValue, precisionOptions, precisionValue } from './precision-options';

export interface PrecisionSelectProps {
  /** The precision chosen; undefined means "follow the global choice" (only with `allowGlobal`). */
  value: Precision | undefined;
  onChange: (precision: Precision | undefined) => void;
  /** Adds a "Global" option that stands for undefined. */
  allowGlobal?: boolean;
  /** Its accessible name when no <label> points at it ('fc2 quantization'). */
  label?: string;
  id?: string;
  small?: boolean;
}

const GLOBAL = 'global';

export function PrecisionSelect({ value, onChange, allowGlobal, label, id, small }: PrecisionSelectProps) {
  return (
    <select
      id={id}
      className={`input${small ? ' small' : ''}`}
      aria-label={label}
      value={value === undefined ? GLOBAL : precisionValue(value)}
      onChange={(e) => onChange(e.target.value === GLOBAL ? undefined : precisionFromValue(e.target.value))}
    >
      {allowGlobal && <option value={GLOBAL}>Global</option>}
      {precisionOptions.map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </select>
  );
}
