/** Keeping some indices of one axis of a row-major tensor: how a member tensor loses its removed channels. */

/**
 * The tensor with only `kept` (ascending indices) along `axis`.
 * @example sliceAxis(new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3], 1, [0, 2]); // { values: [1, 3, 4, 6], shape: [2, 2] }
 */
export function sliceAxis<T extends Float32Array | Int32Array | Uint8Array>(values: T, shape: readonly number[], axis: number, kept: readonly number[]): { values: T; shape: number[] } {
  const n = shape[axis]!;
  const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const out = new (values.constructor as new (n: number) => T)(outer * kept.length * inner);
  let o = 0;
  for (let a = 0; a < outer; a++) {
    const base = a * n * inner;
    for (const k of kept) {
      out.set(values.subarray(base + k * inner, base + (k + 1) * inner), o);
      o += inner;
    }
  }
  const next = [...shape];
  next[axis] = kept.length;
  return { values: out, shape: next };
}
