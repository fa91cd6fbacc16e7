/**
 * Linear-time selection of the k-th smallest float32 value, by radix select on the value's bits.
 *
 * Why bits: for a float32 `x`, the uint32 `bits(x) & 0x7fffffff` orders |x| exactly as the numbers do (all NaNs
 * sort above +Infinity), and flipping the sign bit of positives and all bits of negatives orders signed values.
 * Two 16-bit digits find the k-th key with two passes over the data and two 65,536-bucket histograms (256 KB, which
 * stays in cache): no sort, no per-element allocation, and the same answer for the same data every time. (A sampled
 * bracket instead of the first pass was tried and measured only 5-10% faster; not worth its extra paths.)
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

/**
 * An int32 view of a Float32Array's bits (no copy). Int32 rather than uint32 because V8 keeps every int32 as a small
 * integer, while uint32 values from 2^31 up (the negative floats) would drop the hot loops to slower number code.
 */
export function bitsOf(values: Float32Array): Int32Array {
  return new Int32Array(values.buffer, values.byteOffset, values.length);
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
 * Finds the k-th smallest key over several arrays taken together, in time linear in their total length: a two-digit
 * radix select (two passes over the data, 65,536-bucket histograms). Exact, and the same answer every time.
 *
 * @param arrays int32 bit views of float32 data (see {@link bitsOf}).
 * @param k 1-based rank, 1 <= k <= total length.
 * @example
 *   const { key } = kthSmallestKey([bitsOf(a), bitsOf(b)], 10, 'magnitude'); // 10th smallest |w| in a and b
 */
export function kthSmallestKey(arrays: readonly Int32Array[], k: number, order: KeyOrder): KthKey {
  checkRank(arrays, k);
  return radixSelect(arrays, k, order);
}

function checkRank(arrays: readonly Int32Array[], k: number): void {
  let total = 0;
  for (const a of arrays) total += a.length;
  if (!Number.isInteger(k) || k < 1 || k > total) {
    throw new RangeError(`Rank ${k} is outside 1..${total}.`);
  }
}

/** Where the k-th smallest key lies after the first radix digit (the high 16 bits of the key). */
export interface FirstDigit {
  /** The high 16 bits of the k-th smallest key. */
  bucket: number;
  /** Keys whose high 16 bits are smaller. */
  below: number;
  /** Keys sharing these high 16 bits. */
  inBucket: number;
}

/**
 * The first half of {@link kthSmallestKey}: one pass over the data. Callers that pass over the data anyway (pruning
 * writes every weight) can collect the keys of `bucket` on that pass and finish the selection among those alone.
 */
export function firstDigitOfKth(arrays: readonly Int32Array[], k: number, order: KeyOrder): FirstDigit {
  checkRank(arrays, k);
  const hist = new Uint32Array(DIGIT);
  for (const a of arrays) {
    if (order === 'magnitude') histHighMagnitude(a, hist);
    else histHighSigned(a, hist);
  }
  const high = findBucket(hist, k);
  return { bucket: high.bucket, below: high.below, inBucket: hist[high.bucket] };
}

/** A range of magnitude keys [lo, hi] known to hold the k-th smallest, and how many keys fall inside it. */
export interface Bracket {
  lo: number;
  hi: number;
  capacity: number;
}

/** Two-digit radix select: two passes over the data, 65,536-bucket histograms. */
function radixSelect(arrays: readonly Int32Array[], k: number, order: KeyOrder): KthKey {
  const high = firstDigitOfKth(arrays, k, order); // checks k again: cheap next to the passes
  // Digit 2: the low 16 bits, among keys whose high digit matched.
  const hist = new Uint32Array(DIGIT);
  for (const a of arrays) {
    if (order === 'magnitude') histLowMagnitude(a, hist, high.bucket);
    else histLowSigned(a, hist, high.bucket);
  }
  const low = findBucket(hist, k - high.below);
  return { key: ((high.bucket << 16) | low.bucket) >>> 0, below: high.below + low.below };
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

function histHighMagnitude(a: Int32Array, hist: Uint32Array): void {
  for (let i = 0, n = a.length; i < n; i++) hist[(a[i] & 0x7fffffff) >>> 16]++;
}

function histHighSigned(a: Int32Array, hist: Uint32Array): void {
  for (let i = 0, n = a.length; i < n; i++) {
    const b = a[i];
    hist[(b ^ ((b >> 31) | 0x80000000)) >>> 16]++;
  }
}

function histLowMagnitude(a: Int32Array, hist: Uint32Array, high: number): void {
  for (let i = 0, n = a.length; i < n; i++) {
    const key = a[i] & 0x7fffffff;
    if (key >>> 16 === high) hist[key & 0xffff]++;
  }
}

function histLowSigned(a: Int32Array, hist: Uint32Array, high: number): void {
  for (let i = 0, n = a.length; i < n; i++) {
    const b = a[i];
    const key = b ^ ((b >> 31) | 0x80000000);
    if (key >>> 16 === high) hist[key & 0xffff]++;
  }
}

/**
 * V8 collects type feedback lazily: a loop that is hot on its very first call gets compiled before feedback exists
 * for the code around it, deoptimizes, and can end up stuck in slower tiers for the next calls (measured: 3-4x
 * slower on 25M weights). A few calls on a tiny array at load time give every kernel its feedback first.
 */
export function primeKernel(run: (sample: Float32Array) => unknown): void {
  const sample = new Float32Array(64);
  for (let i = 0; i < sample.length; i++) sample[i] = ((i * 37) % 64) / 32 - 1;
  for (let i = 0; i < 4; i++) run(sample);
}

primeKernel((s) => {
  // Tiny magnitudes with short mantissas keep both bucket scans short while the code is still interpreted.
  const tiny = s.map((v) => Math.round(v * 8) * 2 ** -120);
  const views = [bitsOf(tiny)];
  kthSmallestKey(views, 20, 'magnitude');
  const hist = new Uint32Array(DIGIT);
  histHighSigned(views[0], hist);
  histLowSigned(views[0], hist, 0);
});
