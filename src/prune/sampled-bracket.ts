/**
 * A bracket of magnitude keys that very probably holds the k-th smallest, guessed from a sample of the weights
 * instead of a histogram of all of them. The selection still reads every weight once against the bracket (to count
 * those below it and collect those inside) and checks that the k-th really lies inside; when it does not, it falls
 * back to the histogram. So the guess changes only the work, never which weights are pruned: the result is the exact
 * selection either way.
 *
 * Why: with pruning and quantization fused into one pass (quantize/pruned-affine.ts), the histogram was a whole pass
 * over the weights of the three left (histogram, bracket scan, coding). A sample of 65,536 weights costs a few
 * milliseconds at any model size.
 *
 * The sample is deterministic: one weight per stride of the concatenated tensors, at an offset inside the stride from
 * a fixed pseudo-random sequence (so that weights laid out with a period, conv kernels by channel, do not alias with
 * the stride). Where opening noted a sample of the tensors on its pass over them (model/known-samples.ts: one weight
 * in each stride of a fixed length, read from the chunk in cache), that sample is used instead, and the bracket
 * is checked the same way.
 */
import { bitsOf, primeKernel, type Bracket } from './select';
import { SAMPLE_FROM, SAMPLE_SIZE, sampleCount, takeSample, type NotedSample } from '../model/known-samples';

export { SAMPLE_FROM, SAMPLE_SIZE };
/**
 * Standard deviations of the sampled rank on each side. A miss (about 1 in 2,000 at 3.5; at 6 it was 1 in 10^9)
 * costs one more pass, the histogram's. Each deviation of margin costs about 0.4% of the weights, which the
 * selection collects, sorts out and (when it codes as it selects) recodes on every run: at 25M weights applyRecipe
 * ran about 6% faster at 3.5 than at 6, far more than the misses cost on average.
 */
const SIGMAS = 3.5;
/** The largest finite magnitude key: a bracket reaching past it could hold NaN or Infinity, which the histogram handles. */
const MAX_FINITE_KEY = 0x7f7fffff;

/**
 * A bracket [lo, hi] of magnitude keys for the k-th smallest (1-based) of `count` weights, with room for the weights
 * expected inside, or null when the sample reaches non-finite values.
 *
 * @example
 *   const b = sampledBracket([bitsOf(kernel)], Math.round(0.5 * kernel.length), kernel.length);
 */
export function sampledBracket(
  sources: readonly Int32Array[],
  k: number,
  count: number,
  size = SAMPLE_SIZE,
  /** The samples opening noted for these tensors (model/known-samples.ts), where it did; used at the default size. */
  noted?: readonly (NotedSample | undefined)[],
): Bracket | null {
  const sample = (size === SAMPLE_SIZE && noted && fromNoted(sources, noted, size)) || gathered(sources, count, size);
  const s = sample.length;
  sample.sort();
  const p = k / count;
  const rank = p * s;
  const margin = SIGMAS * Math.sqrt(s * p * (1 - p)) + 2;
  const from = Math.floor(rank - margin);
  const to = Math.ceil(rank + margin);
  const lo = from < 0 ? 0 : sample[from]!;
  const hi = to >= s ? MAX_FINITE_KEY : sample[to]!;
  if (hi > MAX_FINITE_KEY) return null;
  // The sampled keys inside [lo, hi], with those equal to lo or hi beyond the ranks: a mass of equal keys (zeros
  // already there) may fill the bracket far beyond its width in ranks.
  let first = Math.max(from, 0);
  while (first > 0 && sample[first - 1] === lo) first--;
  let last = Math.min(to, s - 1);
  while (last < s - 1 && sample[last + 1] === hi) last++;
  const expected = (count * (last - first + 1)) / s;
  return { lo, hi, capacity: Math.min(count, Math.ceil(expected * 1.5) + 1024) };
}

/** One weight per stride of the concatenated tensors, at an offset inside the stride from a fixed sequence. */
function gathered(sources: readonly Int32Array[], count: number, size: number): Int32Array {
  const m = Math.min(size, count);
  const sample = new Int32Array(m);
  const stride = count / m;
  let s = 0;
  let base = 0; // global index of the current tensor's first weight
  let seed = 0x9e3779b9 | 0;
  let next = 0; // global index of the next sampled weight
  for (const src of sources) {
    const n = src.length;
    while (s < m && next - base < n) {
      sample[s++] = src[next - base]! & 0x7fffffff;
      seed = (Math.imul(seed, 1664525) + 1013904223) | 0;
      // The next stride's start, plus an offset in [0, stride) from the top bits of the sequence.
      next = Math.floor(s * stride + ((seed >>> 8) / 2 ** 24) * Math.max(0, stride - 1));
    }
    base += n;
  }
  return sample.subarray(0, s);
}

/**
 * The tensors' noted samples joined, with the tensors opening did not sample (too small for its SIMD pass, or
 * made by an earlier step) sampled here at the same stride; null when none was noted, their strides differ, or
 * they hold too few weights for a useful bracket (the prunable tensors a small share of the model).
 */
function fromNoted(sources: readonly Int32Array[], noted: readonly (NotedSample | undefined)[], size: number): Int32Array | null {
  const every = noted.find((n) => n !== undefined)?.every;
  if (every === undefined || noted.some((n) => n !== undefined && n.every !== every)) return null;
  const counts = sources.map((src, t) => noted[t]?.keys.length ?? sampleCount(src.length, every));
  const total = counts.reduce((a, b) => a + b, 0);
  if (total < size / 4) return null;
  const sample = new Int32Array(total);
  let at = 0;
  sources.forEach((src, t) => {
    sample.set(noted[t]?.keys ?? takeSample(src, every), at);
    at += counts[t]!;
  });
  return sample;
}

primeKernel((s) => {
  const views = [bitsOf(s), bitsOf(s)];
  sampledBracket(views, 40, 128, 32);
});
