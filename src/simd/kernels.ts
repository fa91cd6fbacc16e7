/**
 * The WebAssembly SIMD twins of the passes `pare optimize` makes over the weights (kernels.wat): the check for
 * NaN and Infinity on opening (which also takes the global selection's sample), the bracket scan of the global
 * magnitude selection, the fused prune + affine coding, and the exact threshold among the keys the bracket holds.
 * Scalar JavaScript does each at 2–7x the cost of a warm copy of the weights; SIMD lanes bring each nearer.
 *
 * The module's memory is small and fixed (regions of CHUNK values, and one histogram): weights are copied in a
 * chunk at a time, so a tensor of any size costs a few hundred KiB beyond its own bytes, and the chunk just copied
 * is still in cache when the kernel reads it. Null where WebAssembly SIMD is unavailable; the callers then run their
 * scalar loops, which kernels.test.ts holds these to, bit for bit.
 */
import { KERNELS_WASM_BASE64 } from './kernels-wasm';
import { samplePosition } from '../model/known-samples';
import type { KthKey } from '../prune/select';

interface KernelExports {
  memory: WebAssembly.Memory;
  CHUNK: WebAssembly.Global;
  OUT: WebAssembly.Global;
  SRC: WebAssembly.Global;
  KEYS: WebAssembly.Global;
  CODES: WebAssembly.Global;
  IDX: WebAssembly.Global;
  HIST: WebAssembly.Global;
  nonFinite(n: number): number;
  sample(n: number, start: number, j: number, every: number, count: number): number;
  scan(n: number, lo: number, width: number): number;
  encode(n: number, t: number, ties: number, min: number, max: number, scale: number, qmax: number, z0: number, zc: number, wide: number): number;
  encode8(n: number, t: number, ties: number, min: number, max: number, scale: number, qmax: number, min32: number, inverse32: number, limit: number, z0: number, zc: number): number;
  codeBracket(n: number, lo: number, width: number, base: number, min: number, max: number, scale: number, qmax: number, min32: number, inverse32: number, limit: number, z0: number, zc: number): number;
  histHigh(n: number, lo: number, shift: number): void;
  histLow(n: number, lo: number, shift: number, high: number): void;
  findBucket(k: number): number;
  countKeys(n: number, t: number): void;
}

/** The affine grid and pruning decision the coding kernel applies; see pruned-affine.ts. */
export interface EncodeParams {
  /** Magnitude key threshold: keys below it are pruned, and the first `ties` keys equal to it. */
  t: number;
  scale: number;
  min: number;
  max: number;
  qmax: number;
  /** The code of 0.0, which pruned weights take. */
  z0: number;
  /** The one code that decodes to exactly zero, or -1 if none does. */
  zc: number;
}

export interface SimdKernels {
  /**
   * How many NaN and ±Infinity the float32 values stored (little-endian, any alignment) in `bytes` hold; and, when
   * `sides` is given, their largest int32 bits and largest bits with the sign flipped in it (as scanBracket's
   * state[2] and state[3]: see prune/passes.ts sideRange). With `sample`, also fills sample.keys with the magnitude
   * keys of the weights at model/known-samples.ts samplePosition(j, sample.every), j = 0, 1, ..., from each chunk
   * while it is in the module's memory.
   */
  countNonFinite(bytes: Uint8Array, sides?: Int32Array, sample?: { every: number; keys: Int32Array }): number;
  /**
   * prune/passes.ts scanBracket's contract exactly: state = [keys found, keys below, max bits, max flipped bits],
   * the first two carried in and updated, `keys` appended from state[0] and holding capacity + slack.
   */
  scanBracket(src: Int32Array, lo: number, width: number, keys: Int32Array, slack: number, state: Int32Array): void;
  /**
   * The codes of src pruned and quantized with `p` (8-bit codes into a Uint8Array, 16-bit into a Uint16Array).
   * state = [ties left, codes equal to zc]: the first carried in and updated, the second added to.
   */
  encodePruned(src: Int32Array, p: EncodeParams, codes: Uint8Array | Uint16Array, state: Int32Array): void;
  /**
   * The bracket scan and the 2..8-bit coding in one pass (kernels.wat codeBracket): src's codes into `codes` as if
   * the weights with magnitude keys below lo were pruned and all others kept, the keys inside [lo, lo + width]
   * appended to `keys` and their indices in src to `indices`, both from state[0]. state = [keys found, keys below,
   * codes equal to p.zc]: the first carried in and updated, the others added to. As scanBracket, stops early with
   * state[0] past the capacity (keys.length - slack) when the bracket holds more. p.zc must be a byte, and
   * `coding` is float32Coding(p).
   */
  codeBracket(src: Int32Array, lo: number, width: number, p: EncodeParams, coding: Float32Coding, codes: Uint8Array, keys: Int32Array, indices: Int32Array, slack: number, state: Int32Array): void;
  /**
   * prune/select.ts kthSmallestKey([keys], k, 'magnitude') for keys that all lie in [lo, lo + width] (what the
   * bracket scans append): the k-th smallest (k from 1) and how many are smaller.
   */
  kthInBracket(keys: Int32Array, k: number, lo: number, width: number): KthKey;
  /** How many of keys[from..to) (non-negative) are below t, equal to t and zero, into counts[0..2]. */
  countKeys(keys: Int32Array, from: number, to: number, t: number, counts: Int32Array): void;
}

/** The float32 constants of the coding kernels (see {@link float32Coding}). */
export interface Float32Coding {
  min32: number;
  inverse32: number;
  limit: number;
}

const KEY_MAX_START = -0x80000000;
const U = 2 ** -24; // float32's unit roundoff

/**
 * The float32 coding of kernels.wat encode8 for this grid, or null where float32 cannot be shown to give the
 * float64 codes. With q = fl(fl(v - min32) * inverse32) and Q = (v - min) / scale exactly, each of the roundings of
 * min32, of 1 / scale (in float64 then float32), of the difference and of the product is at most U relative, so
 * |q - Q| <= U * (1.01 |min| / scale + 3.01 Q), and Q <= qmax for the values the clamp keeps (the clamped ones
 * saturate at 0 or qmax either way). The float64 quotient is within 1e-12 of Q. So a q whose distance to the
 * nearest integer is at most 0.5 - E - 1e-6 rounds as the float64 quotient does. Only 2..8 bits (qmax <= 255):
 * for 16-bit codes, or an all-positive tensor far from zero (|min| / scale large), E is too large to be useful.
 */
export function float32Coding(p: Pick<EncodeParams, 'min' | 'scale' | 'qmax'>): Float32Coding | null {
  const min32 = Math.fround(p.min);
  const inverse32 = Math.fround(1 / p.scale);
  if (p.qmax > 255 || !Number.isFinite(min32) || !(inverse32 > 2 ** -100 && inverse32 < 2 ** 100)) return null;
  const e = U * (1.01 * (Math.abs(p.min) / p.scale) + 3.01 * p.qmax);
  if (!(e < 0.01)) return null;
  // Rounded down to a float32: the kernel's comparison must be no looser than the bound.
  let limit = Math.fround(0.5 - e - 1e-6);
  if (limit > 0.5 - e - 1e-6) limit = Math.fround(limit - 2 ** -25);
  return { min32, inverse32, limit };
}

/** Below this many values a call into WebAssembly (a chunk's copy and the call) costs more than it saves. */
export const SIMD_FROM = 1024;

let loaded: SimdKernels | null | undefined;

/** The kernels, instantiated once per thread, or null where this engine lacks WebAssembly SIMD. */
export function simdKernels(): SimdKernels | null {
  if (loaded === undefined) loaded = instantiate();
  return loaded;
}

function instantiate(): SimdKernels | null {
  if (typeof WebAssembly !== 'object') return null;
  const bytes = Uint8Array.from(atob(KERNELS_WASM_BASE64), (c) => c.charCodeAt(0));
  // Engines without SIMD reject the module as invalid; its 2 KB compile synchronously even on a page's main thread.
  if (!WebAssembly.validate(bytes)) return null;
  const x = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports as unknown as KernelExports;
  const buffer = x.memory.buffer;
  const chunk = x.CHUNK.value as number;
  const out = new Int32Array(buffer, x.OUT.value as number, 6);
  const src = new Int32Array(buffer, x.SRC.value as number, chunk);
  const srcBytes = new Uint8Array(buffer, x.SRC.value as number, chunk * 4);
  const keys = new Int32Array(buffer, x.KEYS.value as number, chunk);
  const codes8 = new Uint8Array(buffer, x.CODES.value as number, chunk);
  const codes16 = new Uint16Array(buffer, x.CODES.value as number, chunk);
  const indicesView = new Int32Array(buffer, x.IDX.value as number, chunk);
  const hist = new Int32Array(buffer, x.HIST.value as number, 65536);
  // V8 runs new WebAssembly in its baseline tier (about 5x slower here) and compiles optimized code, in the
  // background, once a function has done about a chunk's work. One call of each kernel over a chunk of zeros does
  // that work now (a few ms, which the first real chunks would pay anyway), so that real chunks run optimized code.
  x.nonFinite(chunk);
  x.sample(chunk, 0, 0, 1, chunk);
  x.scan(chunk, 0, 0);
  x.encode(chunk, 1, 0, 0, 1, 1, 1, 0, -1, 0);
  x.encode8(chunk, 1, 0, 0, 1, 1, 1, 0, 1, 0.4, 0, -1);
  x.codeBracket(chunk, 0, 0, 0, 0, 1, 1, 1, 0, 1, 0.4, 0, 0);
  x.histHigh(chunk, 0, 0);
  x.histLow(chunk, 0, 0, 0);
  x.findBucket(chunk * 2 + 1);
  x.countKeys(chunk, 1);

  /** One radix digit among the keys: HIST filled by `fill` over each chunk, then the bucket holding the k-th. */
  const digit = (found: Int32Array, k: number, fill: (len: number) => void): { bucket: number; below: number } => {
    hist.fill(0);
    for (let start = 0, n = found.length; start < n; start += chunk) {
      const len = Math.min(chunk, n - start);
      src.set(found.subarray(start, start + len));
      fill(len);
    }
    const bucket = x.findBucket(k);
    const below = out[0]!;
    if (!(below < k && k <= below + hist[bucket]!)) throw new RangeError(`Rank ${k} is outside the ${found.length} keys inside the bracket.`);
    return { bucket, below };
  };

  return {
    countNonFinite(bytes, sides, sample) {
      let count = 0;
      let maxBits = KEY_MAX_START;
      let maxFlipped = KEY_MAX_START;
      const values = bytes.byteLength >> 2; // a trailing partial value is no float32
      let j = 0; // the next sampled weight's stride
      let at = sample ? samplePosition(0, sample.every) : Infinity; // its position, where the scalar loop samples
      for (let start = 0; start < values; start += chunk) {
        const len = Math.min(chunk, values - start);
        srcBytes.set(bytes.subarray(start * 4, (start + len) * 4));
        count += x.nonFinite(len);
        if (out[4]! > maxBits) maxBits = out[4]!;
        if (out[5]! > maxFlipped) maxFlipped = out[5]!;
        if (sample && sample.every < 65536) {
          const got = x.sample(len, start, j, sample.every, sample.keys.length);
          sample.keys.set(keys.subarray(0, got), j);
          j += got;
        } else if (sample) {
          // Strides of 2^16 and more (models of 4G weights) overflow the kernel's 32-bit arithmetic.
          for (const end = start + len; at < end && j < sample.keys.length; at = samplePosition(++j, sample.every)) {
            sample.keys[j] = src[at - start]! & 0x7fffffff;
          }
        }
      }
      if (sides) {
        sides[0] = maxBits;
        sides[1] = maxFlipped;
      }
      return count;
    },

    scanBracket(source, lo, width, found, slack, state) {
      const capacity = found.length - slack;
      let used = state[0]!;
      let below = state[1]!;
      let maxBits = KEY_MAX_START;
      let maxFlipped = KEY_MAX_START;
      for (let start = 0, n = source.length; start < n; start += chunk) {
        const len = Math.min(chunk, n - start);
        src.set(source.subarray(start, start + len));
        const inside = x.scan(len, lo, width);
        below = (below + out[0]!) | 0;
        if (out[1]! > maxBits) maxBits = out[1]!;
        if (out[2]! > maxFlipped) maxFlipped = out[2]!;
        if (used + inside > capacity) {
          used = capacity + 1; // the bracket holds too many: the caller falls back, as after the scalar scan
          break;
        }
        found.set(keys.subarray(0, inside), used);
        used += inside;
      }
      state[0] = used;
      state[1] = below;
      state[2] = maxBits;
      state[3] = maxFlipped;
    },

    encodePruned(source, p, codes, state) {
      const wide = codes instanceof Uint16Array;
      const view = wide ? codes16 : codes8;
      const narrow = wide ? null : float32Coding(p);
      let ties = state[0]!;
      let stored = 0;
      for (let start = 0, n = source.length; start < n; start += chunk) {
        const len = Math.min(chunk, n - start);
        src.set(source.subarray(start, start + len));
        out[3] = 0;
        ties = narrow
          ? x.encode8(len, p.t, ties, p.min, p.max, p.scale, p.qmax, narrow.min32, narrow.inverse32, narrow.limit, p.z0, p.zc)
          : x.encode(len, p.t, ties, p.min, p.max, p.scale, p.qmax, p.z0, p.zc, wide ? 1 : 0);
        stored += out[3]!;
        codes.set(view.subarray(0, len), start);
      }
      state[0] = ties;
      state[1] = state[1]! + stored;
    },

    codeBracket(source, lo, width, p, coding, codes, found, indices, slack, state) {
      const capacity = found.length - slack;
      let used = state[0]!;
      let below = state[1]!;
      let stored = state[2]!;
      for (let start = 0, n = source.length; start < n; start += chunk) {
        const len = Math.min(chunk, n - start);
        src.set(source.subarray(start, start + len));
        out[0] = 0;
        out[3] = 0;
        const inside = x.codeBracket(len, lo, width, start, p.min, p.max, p.scale, p.qmax, coding.min32, coding.inverse32, coding.limit, p.z0, p.zc);
        below += out[0]!;
        stored += out[3]!;
        if (used + inside > capacity) {
          used = capacity + 1;
          break;
        }
        found.set(keys.subarray(0, inside), used);
        indices.set(indicesView.subarray(0, inside), used);
        codes.set(codes8.subarray(0, len), start);
        used += inside;
      }
      state[0] = used;
      state[1] = below;
      state[2] = stored;
    },

    kthInBracket(found, k, lo, width) {
      // Two 16-bit digits of key - lo cover any width below 2^32; a bracket under 2^16 keys wide needs one.
      const shift = Math.max(0, 16 - Math.clz32(width));
      const high = digit(found, k, (len) => x.histHigh(len, lo, shift));
      if (shift === 0) return { key: lo + high.bucket, below: high.below };
      const low = digit(found, k - high.below, (len) => x.histLow(len, lo, shift, high.bucket));
      return { key: lo + high.bucket * 2 ** shift + low.bucket, below: high.below + low.below };
    },

    countKeys(found, from, to, t, counts) {
      counts.fill(0);
      for (let start = from; start < to; start += chunk) {
        const len = Math.min(chunk, to - start);
        src.set(found.subarray(start, start + len));
        x.countKeys(len, t);
        counts[0] += out[0]!;
        counts[1] += out[1]!;
        counts[2] += out[2]!;
      }
    },
  };
}
