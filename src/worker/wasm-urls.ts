/**
 * The wasm backend's three binaries as URLs of the app itself (Vite emits them next to the bundle), so the
 * studio works offline and never fetches from a CDN. Only the Vite-built worker imports this file.
 */
import plain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import simd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import threadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import type { WasmBinaryFile } from '../runtime';

export const wasmBinaryUrls: Record<WasmBinaryFile, string> = {
  'tfjs-backend-wasm.wasm': plain,
  'tfjs-backend-wasm-simd.wasm': simd,
  'tfjs-backend-wasm-threaded-simd.wasm': threadedSimd,
};
