/**
 * Weights whose values are computed when first read, then kept: quantized inputs (inspecting a model or listing
 * its inventory needs shapes and bytes, not a float32 copy of every weight, 4x the size of uint8 codes) and a
 * recipe's stored weights (`pare optimize` writes their codes and never reads the decoded values; the studio reads
 * them when it measures the variant). An enumerable getter that replaces itself with the plain value, so reads
 * after the first cost nothing, and spreading or cloning the object sees an ordinary `values` property.
 */

/**
 * Defines `target.values` as `decode()`, computed on the first read.
 *
 * @example
 *   valuesOnFirstRead(entry, () => dequantizeAffine(codes, scale, min));
 */
export function valuesOnFirstRead<T extends { values: unknown }>(target: T, decode: () => T['values']): void {
  Object.defineProperty(target, 'values', {
    enumerable: true,
    configurable: true,
    get() {
      const values = decode();
      Object.defineProperty(target, 'values', { value: values, enumerable: true, writable: false, configurable: false });
      return values;
    },
  });
}

/**
 * Gives `target` the `values` of `source` without reading them: a pending decode stays pending (and is shared: it
 * runs once, whichever object is read first).
 */
export function shareValues<T extends { values: unknown }>(target: T, source: { values: T['values'] }): void {
  const d = Object.getOwnPropertyDescriptor(source, 'values');
  if (d?.get) valuesOnFirstRead(target, () => source.values);
  else target.values = source.values;
}

/**
 * A copy of `source` with `changes`, whose `values` stay pending if they are: spreading (`{ ...source }`) would
 * read them, and so decode or write what nobody may need yet.
 */
export function copySharingValues<T extends { values: unknown }>(source: T, changes: Partial<Omit<T, 'values'>>): T {
  const out = {} as T;
  for (const key of Object.keys(source) as (keyof T)[]) if (key !== 'values') out[key] = source[key];
  Object.assign(out, changes);
  shareValues(out, source);
  return out;
}
