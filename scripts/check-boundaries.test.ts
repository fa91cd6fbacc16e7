import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module without type declarations
import { boundaryViolations } from './check-boundaries.mjs';

describe('the src/ boundary check', () => {
  it('finds nothing in the real core', () => {
    expect(boundaryViolations('src')).toEqual([]);
  });

  it('flags React, page libraries and imports that leave src/, with file and line', () => {
    const root = mkdtempSync(join(tmpdir(), 'pare-boundary-'));
    const src = join(root, 'src');
    mkdirSync(join(src, 'deep'), { recursive: true });
    writeFileSync(join(src, 'ok.ts'), "import { z } from 'zod';\nimport { a } from './deep/b';\n");
    writeFileSync(join(src, 'deep', 'b.ts'), "export const a = 1;\nimport type { FC } from 'react';\nconst s = await import('../../app/state/store');\n");
    writeFileSync(join(src, 'c.tsx'), "import { useStore } from 'zustand';\nexport { x } from '../scripts/x';\nimport 'react-dom/client';\n");
    const found = boundaryViolations(src).map((p: string) => p.replace(/^.*?src\//, ''));
    expect(found.sort()).toEqual([
      "c.tsx:1: imports 'zustand', which only the page (app/) may use",
      "c.tsx:2: imports '../scripts/x', outside src/ (the core must not depend on app/ or scripts/)",
      "c.tsx:3: imports 'react-dom/client', which only the page (app/) may use",
      "deep/b.ts:2: imports 'react', which only the page (app/) may use",
      "deep/b.ts:3: imports '../../app/state/store', outside src/ (the core must not depend on app/ or scripts/)",
    ]);
  });
});
