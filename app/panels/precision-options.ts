/** The quantization choices of the selects, and how a Precision maps to an option value and back. */
import type { Precision } from '../../src/recipe/schema';

export interface PrecisionOption {
  value: string;
  label: string;
}

export const precisionOptions: PrecisionOption[] = [
  { value: 'keep', label: 'Keep as stored' },
  { value: 'none', label: 'none (float32)' },
  { value: 'float16', label: 'float16' },
  { value: 'uint16', label: 'uint16' },
  { value: 'uint8', label: 'uint8' },
  ...[7, 6, 5, 4, 3, 2].map((bits) => ({ value: `bits-${bits}`, label: `${bits}-bit` })),
];

export function precisionValue(p: Precision): string {
  return typeof p === 'object' ? (p.bits === 8 ? 'uint8' : `bits-${p.bits}`) : p;
}

export function precisionFromValue(value: string): Precision {
  if (value.startsWith('bits-')) return { bits: Number(value.slice(5)) };
  return value as Precision;
}

export function precisionLabel(p: Precision): string {
  const v = precisionValue(p);
  return precisionOptions.find((o) => o.value === v)?.label ?? v;
}
