import { describe, expect, it } from 'vitest';
import { limitsForDeviceMemory } from './device-limits';
import { DEFAULT_UNPACK_LIMITS } from './limits';

describe('limitsForDeviceMemory', () => {
  it('takes a quarter of the memory for a model and an eighth for a drop, never above the defaults', () => {
    expect(limitsForDeviceMemory(4)).toEqual({ maxModelBytes: 1024 ** 3, maxBytes: 512 * 1024 ** 2 });
    expect(limitsForDeviceMemory(0.5)).toEqual({ maxModelBytes: 128 * 1024 ** 2, maxBytes: 64 * 1024 ** 2 });
    expect(limitsForDeviceMemory(8)).toEqual({ maxModelBytes: DEFAULT_UNPACK_LIMITS.maxModelBytes, maxBytes: DEFAULT_UNPACK_LIMITS.maxBytes });
  });

  it('keeps the defaults when the browser does not tell', () => {
    expect(limitsForDeviceMemory(undefined)).toEqual({});
    expect(limitsForDeviceMemory(Number.NaN)).toEqual({});
    expect(limitsForDeviceMemory(0)).toEqual({});
  });
});
