/**
 * The page's budget from the device's memory. Browsers that tell (navigator.deviceMemory: 0.25 to 8 GiB, rounded
 * and capped for privacy) get a model budget of a quarter of it, and a drop budget of an eighth: an opened model
 * is held once decoded, and a variant, its export and a TF.js copy come on top. Others keep the defaults.
 */
import { DEFAULT_UNPACK_LIMITS, type UnpackLimits } from './limits';

const GIB = 1024 * 1024 * 1024;

/**
 * @example limitsForDeviceMemory(4) // { maxModelBytes: 1 GiB, maxBytes: 512 MiB }
 */
export function limitsForDeviceMemory(deviceMemoryGiB: number | undefined): Partial<UnpackLimits> {
  if (typeof deviceMemoryGiB !== 'number' || !Number.isFinite(deviceMemoryGiB) || deviceMemoryGiB <= 0) return {};
  return {
    maxModelBytes: Math.min(DEFAULT_UNPACK_LIMITS.maxModelBytes, Math.floor((deviceMemoryGiB * GIB) / 4)),
    maxBytes: Math.min(DEFAULT_UNPACK_LIMITS.maxBytes, Math.floor((deviceMemoryGiB * GIB) / 8)),
  };
}
