/**
 * Sorting non-negative int32 keys (magnitude keys: float32 bits without the sign) by least-significant-digit radix
 * sort, three passes of 11 bits. For the sampled bracket's 65,536 keys this took about half the time of
 * Int32Array.prototype.sort, which compares.
 */

const DIGIT_BITS = 11;
const BUCKETS = 1 << DIGIT_BITS;
const MASK = BUCKETS - 1;

/**
 * `keys` sorted ascending, in place (the returned array is `keys`). Every key must be in [0, 2^31); others sort
 * wrongly.
 * @example sortKeys(Int32Array.of(5, 0, 3)) // Int32Array [0, 3, 5]
 */
export function sortKeys(keys: Int32Array): Int32Array {
  const n = keys.length;
  if (n < 2) return keys;
  let from = keys;
  let to = new Int32Array(n);
  const counts = new Int32Array(BUCKETS);
  for (let shift = 0; shift < 31; shift += DIGIT_BITS) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[(from[i]! >>> shift) & MASK]!++;
    // A digit every key shares leaves the order as it is: skip its scatter.
    if (counts[(from[0]! >>> shift) & MASK] === n) continue;
    let start = 0;
    for (let b = 0; b < BUCKETS; b++) {
      const c = counts[b]!;
      counts[b] = start;
      start += c;
    }
    for (let i = 0; i < n; i++) {
      const key = from[i]!;
      to[counts[(key >>> shift) & MASK]!++] = key;
    }
    [from, to] = [to, from];
  }
  if (from !== keys) keys.set(from);
  return keys;
}
