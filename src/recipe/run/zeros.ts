/** Exact zeros in a tensor (-0 counts: it is a zero the stock loader decodes as 0). */
export function countZeros(values: ArrayLike<number>): number {
  let z = 0;
  for (let i = 0, n = values.length; i < n; i++) if (values[i] === 0) z++;
  return z;
}
