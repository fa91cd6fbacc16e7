/**
 * Magnitude keys of a strided sample of an array's weights, taken by whoever first read it all: opening's check for
 * NaN and Infinity takes them from each chunk while it is in cache. The global magnitude selection brackets its
 * threshold from a sample of 65,536 weights (prune/sampled-bracket.ts); gathered at apply time, one weight every
 * 1.5 KB of a 25M model, those reads wait on memory (9–10 ms of an apply in a fresh process, 2–4 ms when repeated).
 * Keyed by the array itself, as known-ranges.ts keys ranges: opened weights are never written once made.
 *
 * Which weights: one in each stride of `every` consecutive weights of the array, at an offset inside it from a
 * hash of the stride's index (so that weights laid out with a period, conv kernels by channel, do not alias with
 * the stride). Every array of one model is sampled with the same `every`, so the samples of any set of them are a
 * stratified sample of their concatenation.
 */

/** The size a model's whole sample aims at: the bracket's width in ranks shrinks with its square root. */
export const SAMPLE_SIZE = 65536;
/** Below this many weights the selection's histogram costs little, and a sample would be a large share of the data. */
export const SAMPLE_FROM = 1 << 20;

export interface NotedSample {
  /** The magnitude keys (float32 bits & 0x7fffffff) of the sampled weights, in index order. */
  keys: Int32Array;
  /** The stride: one weight in each `every`. */
  every: number;
}

const samples = new WeakMap<ArrayBufferView, NotedSample>();

/**
 * The stride that samples about SAMPLE_SIZE of a model's `total` weights, or null below SAMPLE_FROM, where no
 * selection over its weights samples (so opening takes none).
 */
export function sampleEvery(total: number): number | null {
  return total < SAMPLE_FROM ? null : Math.floor(total / SAMPLE_SIZE);
}

/**
 * Index of the weight sampled in stride j: j * every plus an offset in [0, every) from 15 bits of a hash of j.
 * Small integers throughout (for any stride below 2^16, models under 4G weights): opening runs this before V8
 * has optimized it, where a uint32 or a fraction would cost a heap number per sample.
 */
export function samplePosition(j: number, every: number): number {
  const h = Math.imul(j + 1, 0x9e3779b1) >>> 17;
  return j * every + (every < 65536 ? (h * every) >> 15 : Math.floor((h * every) / 32768));
}

/** How many of an array of n weights are sampled with stride `every`. */
export function sampleCount(n: number, every: number): number {
  const full = Math.floor(n / every);
  return full + (samplePosition(full, every) < n ? 1 : 0);
}

/** The sample of `bits` (float32 bits) with stride `every`, read directly: for arrays no kernel sampled. */
export function takeSample(bits: Int32Array, every: number): Int32Array {
  const keys = new Int32Array(sampleCount(bits.length, every));
  for (let j = 0; j < keys.length; j++) keys[j] = bits[samplePosition(j, every)]! & 0x7fffffff;
  return keys;
}

/** Records the sample of `values`, which must be final: nobody writes into it afterwards. */
export function noteSample(values: Float32Array, sample: NotedSample): void {
  samples.set(values, sample);
}

/** The sample recorded for exactly this array, or undefined. */
export function knownSample(values: ArrayBufferView): NotedSample | undefined {
  return samples.get(values);
}
