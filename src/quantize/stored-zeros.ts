/**
 * What storage did to zeros, read from affine codes without decoding them: a recipe checks that every zero before
 * storage is still exactly zero once stored, and counts zeros before and after, for every weight. Decoding first
 * (a float32 array as large as the weights) and then making three more passes (the check and two counts) was most
 * of the time `applyRecipe` spent storing; one pass over the values' bits and the codes gives the same three facts.
 *
 * A code decodes to zero exactly when `code * scale + min`, computed in float64 and stored as float32 (as
 * dequantizeAffine and the stock loader do), is ±0: that is looked up once per level, not once per value.
 */
import { primeKernel } from '../prune/select';

export interface StoredZeros {
  /** Values that were exactly zero (+0 or -0) before storage. */
  before: number;
  /** Codes that decode to exactly zero. */
  stored: number;
  /** The first index that was zero before and does not decode to zero, or -1 (always -1 unless a kernel is wrong). */
  firstLost: number;
}

/**
 * 1 for every code whose decoded value is ±0, else 0, over all 2^8 or 2^16 levels.
 *
 * @example zeroLevels(0.5, -1, 8)[2] // 1: code 2 decodes to 2 * 0.5 - 1 = 0
 */
export function zeroLevels(scale: number, min: number, codeBits: 8 | 16): Uint8Array {
  const levels = 2 ** codeBits;
  const out = new Uint8Array(levels);
  const f32 = new Float32Array(1);
  for (let c = 0; c < levels; c++) {
    f32[0] = c * scale + min;
    out[c] = f32[0] === 0 ? 1 : 0;
  }
  return out;
}

/**
 * Zeros of `before` (float32) and of what `codes` decode to with (scale, min), and the first zero lost. Both have
 * the same length. Branch-free on the bits: zeros and non-zeros alternate at random in pruned weights.
 *
 * @example
 *   storedZeros(Float32Array.of(0, 0.6, -0), Uint8Array.of(2, 3, 2), 0.5, -1) // { before: 2, stored: 2, firstLost: -1 }
 */
export function storedZeros(before: Float32Array, codes: Uint8Array | Uint16Array, scale: number, min: number): StoredZeros {
  const codeBits = codes instanceof Uint8Array ? 8 : 16;
  if (codes.length < 2 ** codeBits) return storedZerosSmall(before, codes, scale, min);
  const zero = zeroLevels(scale, min, codeBits);
  const bits = new Int32Array(before.buffer, before.byteOffset, before.length);
  const tally = new Int32Array(3); // [zeros before, zeros stored, any zero lost]
  if (codes instanceof Uint8Array) tally8(bits, codes, zero, tally);
  else tally16(bits, codes, zero, tally);
  let firstLost = -1;
  if (tally[2]) {
    for (let i = 0; i < codes.length; i++) {
      if ((bits[i]! & 0x7fffffff) === 0 && !zero[codes[i]!]) {
        firstLost = i;
        break;
      }
    }
  }
  return { before: tally[0]!, stored: tally[1]!, firstLost };
}

/** The same facts for a tensor with fewer values than levels (a bias, say), without a table of every level. */
function storedZerosSmall(before: Float32Array, codes: Uint8Array | Uint16Array, scale: number, min: number): StoredZeros {
  const f32 = new Float32Array(1);
  let zerosBefore = 0;
  let zerosStored = 0;
  let firstLost = -1;
  for (let i = 0; i < codes.length; i++) {
    f32[0] = codes[i]! * scale + min;
    const isZero = f32[0] === 0;
    if (before[i] === 0) {
      zerosBefore++;
      if (!isZero && firstLost < 0) firstLost = i;
    }
    if (isZero) zerosStored++;
  }
  return { before: zerosBefore, stored: zerosStored, firstLost };
}

// Two copies of one loop, so that each load site sees one array type (V8 keeps them monomorphic).
function tally8(bits: Int32Array, codes: Uint8Array, zero: Uint8Array, tally: Int32Array): void {
  let zerosBefore = 0;
  let zerosStored = 0;
  let lost = 0;
  for (let i = 0, n = bits.length; i < n; i++) {
    const x = bits[i]! << 1; // the sign shifted out: +0 and -0 are both 0
    const wasZero = ((x | -x) >>> 31) ^ 1;
    const isZero = zero[codes[i]!]!;
    zerosBefore += wasZero;
    zerosStored += isZero;
    lost |= wasZero & (isZero ^ 1);
  }
  tally[0] = zerosBefore;
  tally[1] = zerosStored;
  tally[2] = lost;
}

function tally16(bits: Int32Array, codes: Uint16Array, zero: Uint8Array, tally: Int32Array): void {
  let zerosBefore = 0;
  let zerosStored = 0;
  let lost = 0;
  for (let i = 0, n = bits.length; i < n; i++) {
    const x = bits[i]! << 1;
    const wasZero = ((x | -x) >>> 31) ^ 1;
    const isZero = zero[codes[i]!]!;
    zerosBefore += wasZero;
    zerosStored += isZero;
    lost |= wasZero & (isZero ^ 1);
  }
  tally[0] = zerosBefore;
  tally[1] = zerosStored;
  tally[2] = lost;
}

primeKernel((s) => {
  // Longer than 2^8 (and 2^16) values: the table paths.
  const long = new Float32Array(70000).fill(s[1]!);
  storedZeros(long, new Uint8Array(long.length), 0.5, -1);
  storedZeros(long, new Uint16Array(long.length), 0.5, -1);
  storedZeros(s, new Uint8Array(s.length), 0.5, -1);
});
