/**
 * TF.js backend set-up shared by the studio worker and the CLI. Node-only helpers live in `./node-wasm`, which
 * this file does not re-export, so the worker bundle never sees `node:` imports.
 */
export { setupBackends } from './setup-backends';
export type { PreferredBackend, SetupOptions, WasmBinaryFile, WasmPaths } from './setup-backends';
