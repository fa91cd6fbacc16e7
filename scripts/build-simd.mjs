/**
 * `npm run build:simd`: assembles src/simd/kernels.wat (WebAssembly text, with SIMD) into src/simd/kernels-wasm.ts,
 * the bytes as base64, so that the kernels load the same way in Node, in the studio's worker and in a Vite bundle,
 * with no .wasm file to fetch. scripts/build-simd.test.ts checks that the committed module is this script's output.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { assembleKernels, kernelsModule } from './simd-assemble.mjs';

const dir = join(import.meta.dirname, '..', 'src', 'simd');
const bytes = await assembleKernels(await readFile(join(dir, 'kernels.wat'), 'utf8'));
await writeFile(join(dir, 'kernels-wasm.ts'), kernelsModule(bytes));
console.log(`src/simd/kernels-wasm.ts: ${bytes.length} bytes of WebAssembly`);
