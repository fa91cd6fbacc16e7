import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without types
import { assembleKernels, kernelsModule } from './simd-assemble.mjs';

it('src/simd/kernels-wasm.ts holds the bytes of kernels.wat (run `npm run build:simd` after editing it)', async () => {
  const dir = join(import.meta.dirname, '..', 'src', 'simd');
  const bytes = await assembleKernels(await readFile(join(dir, 'kernels.wat'), 'utf8'));
  expect(await readFile(join(dir, 'kernels-wasm.ts'), 'utf8')).toBe(kernelsModule(bytes));
});
