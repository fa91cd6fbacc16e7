/**
 * Weights whose values are computed when first read, then kept: quantized inputs (inspecting a model or listing
 * its inventory needs shapes and bytes, not a float32 copy of every weight, 4x the size of uint8 codes) and a
 * recipe's stored weights (`pare optimize` writes their codes and never reads the decoded values; the studio reads
 * them when it measures the variant). An enumerable getter that replaces itself with the plain value, so reads
 * after the first cost nothing, and spreading or cloning the object sees an ordinary `values` property.
 */

/**
 * What a pending value can offer instead of being read: another way to what a consumer wants from it (storage asks
 * a pending pruned tensor for its affine codes, which it makes from the source weights without the pruned copy).
 * Offered only while the values are pending; it travels with them through {@link shareValues}.
 */
const offers = new WeakMap<object, unknown>();

/**
 * Defines `target.values` as `decode()`, computed on the first read; `offer`, if given, is what
 * {@link pendingOffer} hands out until then.
 *
 * @example
 *   valuesOnFirstRead(entry, () => dequantizeAffine(codes, scale, min));
 */
export function valuesOnFirstRead<T extends { values: unknown }>(target: T, decode: () => T['values'], offer?: unknown): void {
  if (offer === undefined) offers.delete(target);
  else offers.set(target, offer);
  Object.defineProperty(target, 'values', {
    enumerable: true,
    configurable: true,
    get() {
      offers.delete(target);
      const values = decode();
      Object.defineProperty(target, 'values', { value: values, enumerable: true, writable: false, configurable: false });
      return values;
    },
  });
}

/**
 * The offer made with `target`'s pending values (see {@link valuesOnFirstRead}), or undefined once they are read
 * or when none was made. The caller knows what it expects (`O`); reading it does not read the values.
 */
export function pendingOffer<O>(target: object): O | undefined {
  return Object.getOwnPropertyDescriptor(target, 'values')?.get ? (offers.get(target) as O | undefined) : undefined;
}

/**
 * Gives `target` the `values` of `source` without reading them: a pending decode stays pending (and is shared: it
 * runs once, whichever object is read first), with its offer.
 */
export function shareValues<T extends { values: unknown }>(target: T, source: { values: T['values'] }): void {
  const d = Object.getOwnPropertyDescriptor(source, 'values');
  if (d?.get) valuesOnFirstRead(target, () => source.values, pendingOffer(source));
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
