import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { setupBackends } from './setup-backends';

// A separate file: Vitest gives each file its own module state, and wasm can be started only once per process.
describe('setupBackends when the wasm binaries are missing', () => {
  it('falls back to cpu and says why wasm is unavailable', async () => {
    const info = await setupBackends({ wasmPaths: '/nonexistent/pare-wasm/' });
    expect(info.wasm.binary).toBeNull();
    expect(info.backends.find((b) => b.name === 'wasm')).toMatchObject({
      available: false,
      detail: 'did not start: its .wasm binary failed to load or compile',
    });
    expect(info.active).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
  });
});
