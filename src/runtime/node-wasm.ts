/** Node-only: where the wasm binaries are in node_modules, for the CLI and tests. */
import { createRequire } from 'node:module';
import { dirname, sep } from 'node:path';

/**
 * The folder (ending in a path separator) holding `@tensorflow/tfjs-backend-wasm`'s three .wasm binaries, as
 * `setupBackends({ wasmPaths })` wants it in Node.
 *
 * @example
 *   await setupBackends({ wasmPaths: nodeWasmFolder() });
 */
export function nodeWasmFolder(): string {
  const require = createRequire(import.meta.url);
  // The package's main entry sits in dist/, next to the binaries.
  return dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + sep;
}
