import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

// Cross-origin isolation lets the wasm backend use threads (SharedArrayBuffer).
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

// TF.js sends the source of one function in the threaded wasm glue to its pthread workers. The minifier rewrites
// `typeof _scriptDir !== "undefined"` there into a reference to a minified name that the workers do not have
// ("ReferenceError: e is not defined"). Replacing the expression before minification keeps threads working.
function keepWasmThreadsWorking(): Plugin {
  return {
    name: 'pare:wasm-threads-script-dir',
    enforce: 'pre',
    transform(code, id) {
      if (!id.includes('tfjs-backend-wasm-threaded-simd')) return null;
      return { code: code.replace(/typeof _scriptDir\s*!==?\s*["']undefined["']/g, 'false'), map: null };
    },
  };
}

export default defineConfig({
  plugins: [react(), keepWasmThreadsWorking()],
  worker: { format: 'es', plugins: () => [keepWasmThreadsWorking()] },
  server: { headers: isolation },
  preview: { headers: isolation },
  optimizeDeps: { include: ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm'] },
  build: { chunkSizeWarningLimit: 4096 },
});
