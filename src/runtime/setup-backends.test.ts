import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { setupBackends } from './setup-backends';
import { nodeWasmFolder } from './node-wasm';

describe('setupBackends in Node', () => {
  it('loads the SIMD wasm binary from node_modules, leaves wasm active and reports cpu', async () => {
    const info = await setupBackends({ wasmPaths: nodeWasmFolder() });
    // Node has SIMD but the backend never uses threads there.
    expect(info.wasm).toMatchObject({ binary: 'simd', simd: true, threads: 1, crossOriginIsolated: false });
    expect(info.active).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    const byName = Object.fromEntries(info.backends.map((b) => [b.name, b]));
    expect(byName.wasm).toMatchObject({ available: true, detail: 'simd, 1 thread' });
    expect(byName.cpu.available).toBe(true);
    expect(byName.webgl).toMatchObject({ available: false, detail: 'no canvas in this environment' });
    expect(info.tfjsVersion).toBe(tf.version.tfjs);
    // The backend really computes: a small matmul on wasm.
    const product = tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]]));
    expect(Array.from(await product.data())).toEqual([11]);
  });

  it('returns the first result on later calls instead of starting again', async () => {
    const first = await setupBackends({ wasmPaths: nodeWasmFolder() });
    const again = await setupBackends({ preferred: 'cpu' });
    expect(again).toBe(first);
  });
});
