/**
 * float16 -> float32 exactly as TF.js's loader does it (table method from "Fast Half Float Conversions",
 * van der Zijp), so decoded values are bit-identical to what stock TF.js puts in its tensors.
 */
let tables: { mantissa: Uint32Array; exponent: Uint32Array; offset: Uint32Array } | null = null;

function buildTables() {
  const mantissa = new Uint32Array(2048);
  for (let i = 1; i < 1024; i++) {
    // Subnormal halves: normalise the mantissa and adjust the exponent.
    let m = i << 13;
    let e = 0;
    while ((m & 0x00800000) === 0) {
      e -= 0x00800000;
      m <<= 1;
    }
    m &= ~0x00800000;
    e += 0x38800000;
    mantissa[i] = (m | e) >>> 0;
  }
  for (let i = 1024; i < 2048; i++) mantissa[i] = 0x38000000 + ((i - 1024) << 13);
  const exponent = new Uint32Array(64);
  exponent[31] = 0x47800000;
  exponent[32] = 0x80000000;
  exponent[63] = 0xc7800000;
  for (let i = 1; i < 31; i++) exponent[i] = i << 23;
  for (let i = 33; i < 63; i++) exponent[i] = 0x80000000 + ((i - 32) << 23);
  const offset = new Uint32Array(64).fill(1024);
  offset[0] = offset[32] = 0;
  return { mantissa, exponent, offset };
}

/**
 * Decodes IEEE half-precision codes to float32.
 *
 * @example
 *   float16ToFloat32(new Uint16Array([0x3c00, 0xc000])); // Float32Array [1, -2]
 */
export function float16ToFloat32(codes: Uint16Array): Float32Array {
  tables ??= buildTables();
  const { mantissa, exponent, offset } = tables;
  const bits = new Uint32Array(codes.length);
  for (let i = 0; i < codes.length; i++) {
    const h = codes[i];
    bits[i] = mantissa[offset[h >> 10] + (h & 0x3ff)] + exponent[h >> 10];
  }
  return new Float32Array(bits.buffer);
}
