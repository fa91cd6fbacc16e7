/** Quantization of stored weights as the stock TF.js loader decodes them: affine uint8/uint16 and low-bit, float16. */
export { quantizeAffine } from './affine';
export type { AffineQuantized, QuantizeAffineOptions } from './affine';
export {
  affineDtype,
  affineParams,
  checkBits,
  dequantizeAffine,
  encodeAffine,
  encodeOnGrid,
  finiteRange,
  roundHalfEven,
} from './params';
export type { AffineDtype, AffineParams } from './params';
export { chooseRange, DEFAULT_PERCENTILE, exactMse, mseRange, percentileRange } from './range';
export type { ClipMethod, Range } from './range';
export { fromFloat16, halfFromFloatBits, roundToFloat16, toFloat16 } from './float16';
