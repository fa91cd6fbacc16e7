/**
 * Linear-time selection of the k-th smallest float32 value, by radix select on the value's bits.
 *
 * Why bits: for a float32 `x`, the uint32 `bits(x) & 0x7fffffff` orders |x| exactly as the numbers do (all NaNs
 * sort above +Infinity), and flipping the sign bit of positives and all bits of negatives orders signed values.
 * Two 16-bit digits find the k-th key with two passes over the data and two 65,536-bucket histograms: no sort,
 * no per-element allocation, and the same answer for the same data every time.
 */

/**
 * How a float32 is turned into an orderable uint32 key.
 * - 'magnitude': by |x|; -0 and +0 are the same key (0); NaN keys are above Infinity's.
 * - 'signed': by value; -Infinity < ... < -0 < +0 < ... < +Infinity; NaN keys lie beyond both ends.
 */
export type KeyOrder = 'magnitude' | 'signed';

/** The k-th smallest key (k counted from 1) and how many keys are strictly smaller than it. */
export interface KthKey {
  key: number;
  below: number;
}

const DIGIT = 65536;

/** A uint32 view of a Float32Array's bits (no copy). */
export function bitsOf(values: Float32Array): Uint32Array {
  return new Uint32Array(values.buffer, values.byteOffset, values.length);
}

/** The orderable key of one float32 bit pattern. */
export function keyOf(bits: number, order: KeyOrder): number {
  if (order === 'magnitude') return (bits & 0x7fffffff) >>> 0;
  return (bits ^ ((bits >> 31) | 0x80000000)) >>> 0;
}

/** The float32 value whose key (in `order`) is `key`; for magnitude keys this is the non-negative value. */
export function valueOfKey(key: number, order: KeyOrder): number {
  const bits = order === 'magnitude' ? key : key & 0x80000000 ? key ^ 0x80000000 : ~key >>> 0;
  SCRATCH_U32[0] = bits;
  return SCRATCH_F32[0];
}

const SCRATCH_U32 = new Uint32Array(1);
const SCRATCH_F32 = new Float32Array(SCRATCH_U32.buffer);

/**
 * Finds the k-th smallest key over several arrays taken together, in time linear in their total length.
 *
 * @param arrays uint32 bit views of float32 data (see {@link bitsOf}).
 * @param k 1-based rank, 1 <= k <= total length.
 * @example
 *   const { key } = kthSmallestKey([bitsOf(a), bitsOf(b)], 10, 'magnitude'); // 10th smallest |w| in a and b
 */
export function kthSmallestKey(arrays: readonly Uint32Array[], k: number, order: KeyOrder): KthKey {
  let total = 0;
  for (const a of arrays) total += a.length;
  if (!Number.isInteger(k) || k < 1 || k > total) {
    throw new RangeError(`Rank ${k} is outside 1..${total}.`);
  }
  const hist = new Uint32Array(DIGIT);
  // Digit 1: the high 16 bits of the key.
  for (const a of arrays) {
    if (order === 'magnitude') histHighMagnitude(a, hist);
    else histHighSigned(a, hist);
  }
  const high = findBucket(hist, k);
  const belowHigh = high.below;
  // Digit 2: the low 16 bits, among keys whose high digit matched.
  hist.fill(0);
  for (const a of arrays) {
    if (order === 'magnitude') histLowMagnitude(a, hist, high.bucket);
    else histLowSigned(a, hist, high.bucket);
  }
  const low = findBucket(hist, k - belowHigh);
  return { key: ((high.bucket << 16) | low.bucket) >>> 0, below: belowHigh + low.below };
}

function findBucket(hist: Uint32Array, k: number): { bucket: number; below: number } {
  let below = 0;
  for (let b = 0; b < DIGIT; b++) {
    const c = hist[b];
    if (below + c >= k) return { bucket: b, below };
    below += c;
  }
  throw new Error('Selection ran past the histogram; the rank was larger than the data.');
}

// The four loops below are spelled out (rather than taking the key function as a parameter) so that each is a
// tight monomorphic loop over a typed array with no call per element.

function histHighMagnitude(a: Uint32Array, hist: Uint32Array): void {
  for (let i = 0, n = a.length; i < n; i++) hist[(a[i] & 0x7fffffff) >>> 16]++;
}

function histHighSigned(a: Uint32Array, hist: Uint32Array): void {
  for (let i = 0, n = a.length; i < n; i++) {
    const b = a[i];
    hist[(b ^ ((b >> 31) | 0x80000000)) >>> 16]++;
  }
}

function histLowMagnitude(a: Uint32Array, hist: Uint32Array, high: number): void {
  for (let i = 0, n = a.length; i < n; i++) {
    const key = a[i] & 0x7fffffff;
    if (key >>> 16 === high) hist[key & 0xffff]++;
  }
}

function histLowSigned(a: Uint32Array, hist: Uint32Array, high: number): void {
  for (let i = 0, n = a.length; i < n; i++) {
    const b = a[i];
    const key = b ^ ((b >> 31) | 0x80000000);
    if (key >>> 16 === high) hist[key & 0xffff]++;
  }
}
