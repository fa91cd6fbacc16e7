/**
 * float16 storage: encoding as the converter does (NumPy's `astype(np.float16)`), decoding as the stock TF.js
 * loader does (tfjs-core io_utils `getFloat16Decoder`, table-driven after van der Zijp's "Fast Half Float
 * Conversions").
 *
 * Encoding: round to nearest, ties to even; magnitudes from 65520 up (the midpoint above 65504, the largest half)
 * become ±Infinity; below 2^-14 the result is a subnormal half, rounded the same way, down to ±0; the sign of zero
 * is kept. NaN stays NaN with its sign and the top 10 bits of its payload, made non-zero if they were zero (NumPy's
 * rule; the default NaN 0x7fc00000 becomes 0x7e00).
 */
import { primeKernel } from '../prune/select';

/** The float16 bit pattern nearest to a float32 bit pattern (see the module comment). */
export function halfFromFloatBits(f: number): number {
  const sign = (f >>> 16) & 0x8000;
  const exp = (f >>> 23) & 0xff;
  const mant = f & 0x7fffff;
  if (exp === 0xff) {
    if (mant === 0) return sign | 0x7c00;
    const h = 0x7c00 | (mant >>> 13);
    return sign | (h === 0x7c00 ? 0x7c01 : h);
  }
  if (exp >= 143) return sign | 0x7c00; // |x| >= 65536
  if (exp >= 113) {
    // Normal half: keep 10 mantissa bits, round the 13 dropped ones. A carry out of the mantissa correctly bumps
    // the exponent (and 65520.. rounds up to 0x7c00, Infinity).
    let h = ((exp - 112) << 10) | (mant >>> 13);
    const rest = mant & 0x1fff;
    if (rest > 0x1000 || (rest === 0x1000 && (h & 1) === 1)) h++;
    return sign | h;
  }
  if (exp < 102) return sign; // below 2^-25: rounds to zero (2^-25 itself ties to the even 0)
  // Subnormal half: value = m * 2^(exp - 150) with the implicit bit; in units of 2^-24 that is m >> (126 - exp).
  const m = mant | 0x800000;
  const shift = 126 - exp; // 14..24
  let h = m >>> shift;
  const rest = m & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  if (rest > half || (rest === half && (h & 1) === 1)) h++;
  return sign | h;
}

/**
 * Encodes float32 values as float16 bit patterns (round to nearest even, overflow to Infinity, subnormals).
 *
 * @example
 *   toFloat16(Float32Array.of(1, 65504, 65520, 6e-8)) // Uint16Array [0x3c00, 0x7bff, 0x7c00, 0x0001]
 */
export function toFloat16(values: Float32Array): Uint16Array {
  const n = values.length;
  const out = new Uint16Array(n);
  const bits = new Uint32Array(values.buffer, values.byteOffset, n);
  for (let i = 0; i < n; i++) out[i] = halfFromFloatBits(bits[i]);
  return out;
}

// The loader's three tables, built the same way so that decoding matches it bit for bit, NaN payloads included.
let tables: { mantissa: Uint32Array; exponent: Uint32Array; offset: Uint32Array } | null = null;

function decoderTables() {
  if (tables) return tables;
  const mantissa = new Uint32Array(2048);
  for (let i = 1; i < 1024; i++) {
    // Subnormal half: normalise the mantissa into a float32.
    let m = i << 13;
    let e = 0;
    while ((m & 0x00800000) === 0) {
      e -= 0x00800000;
      m <<= 1;
    }
    m &= ~0x00800000;
    e += 0x38800000;
    mantissa[i] = m | e;
  }
  for (let i = 1024; i < 2048; i++) mantissa[i] = 0x38000000 + ((i - 1024) << 13);
  const exponent = new Uint32Array(64);
  for (let i = 1; i < 31; i++) exponent[i] = i << 23;
  exponent[31] = 0x47800000;
  exponent[32] = 0x80000000;
  for (let i = 33; i < 63; i++) exponent[i] = 0x80000000 + ((i - 32) << 23);
  exponent[63] = 0xc7800000;
  const offset = new Uint32Array(64).fill(1024);
  offset[0] = 0;
  offset[32] = 0;
  tables = { mantissa, exponent, offset };
  return tables;
}

/**
 * Decodes float16 bit patterns to float32 exactly as the stock TF.js loader does.
 *
 * @example
 *   fromFloat16(Uint16Array.of(0x3c00, 0x7c00, 0x0001)) // Float32Array [1, Infinity, 5.960464477539063e-8]
 */
export function fromFloat16(bits: Uint16Array): Float32Array {
  const { mantissa, exponent, offset } = decoderTables();
  const n = bits.length;
  const out = new Float32Array(n);
  const outBits = new Uint32Array(out.buffer);
  for (let i = 0; i < n; i++) {
    const h = bits[i];
    const top = h >> 10;
    outBits[i] = mantissa[offset[top] + (h & 0x3ff)] + exponent[top]; // wraps mod 2^32 as the loader's does
  }
  return out;
}

/** float32 -> nearest float16 -> float32: the value stock TF.js sees for a weight stored as float16. */
export function roundToFloat16(values: Float32Array): Float32Array {
  return fromFloat16(toFloat16(values));
}


primeKernel((s) => fromFloat16(toFloat16(s)));
